/** Every audited action. Later issues extend the catalogue; none is ever renamed. */
export const AUDIT_ACTIONS = [
  'workspace.created',
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.logout',
  'member.invited',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'member.left',
  'member.invite_revoked',
  'whatsapp.settings_changed',
  'conversation.deleted',
  'conversation.assigned',
  'backup.created',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
