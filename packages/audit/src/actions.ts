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
  'whatsapp.settings_changed',
  'conversation.deleted',
  'backup.created',
  'keys.rotated',
  'keys.database_rekeyed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
