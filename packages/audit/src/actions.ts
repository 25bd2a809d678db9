/** Every audited action. Later issues extend the catalogue; none is ever renamed. */
export const AUDIT_ACTIONS = [
  'workspace.created',
  'auth.login.succeeded',
  'auth.login.failed',
  'auth.logout',
  'session.revoked',
  'session.revoked_all',
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
  'two_factor.enabled',
  'two_factor.disabled',
  'two_factor.recovery_codes_replaced',
  'workspace.two_factor_required',
  'workspace.two_factor_optional',
  'access.denied',
  'keys.rotated',
  'keys.database_rekeyed',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
