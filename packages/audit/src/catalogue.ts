import type { AuditAction } from './actions.ts';

/**
 * What one kind of audit entry means. Every entry also carries the fields
 * common to all (see docs/AUDIT.md); these say what is particular to it.
 */
export interface AuditEventSpec {
  /** The group it is listed under. */
  area: AuditArea;
  /** When it is written, in a phrase. */
  when: string;
  /**
   * Whose log it is in: a workspace's, the appliance's own (CLI, timers),
   * or either, depending on who acted (see `when`).
   */
  scope: 'workspace' | 'appliance' | 'workspace or appliance';
  /** What `target` names, if anything. */
  target: string | null;
  /** The keys of `details`, comma-separated, or '' for none. */
  details: string;
}

export const AUDIT_AREAS = [
  'Sign-in and sessions',
  'Two-factor sign-in',
  'Members',
  'Support access',
  'WhatsApp',
  'Conversations',
  'Keys, backup and restore',
  'Storage',
  'Monitoring',
  'Audit log',
  'Refusals',
] as const;
export type AuditArea = (typeof AUDIT_AREAS)[number];

/**
 * Every audited event, as data: `docs/AUDIT.md` is this table written out,
 * and a test fails when the two disagree. Adding an action to AUDIT_ACTIONS
 * without describing it here does not compile.
 */
export const AUDIT_EVENTS: Readonly<Record<AuditAction, AuditEventSpec>> = {
  'workspace.created': {
    area: 'Members',
    when: 'first-run setup made the workspace and its OWNER',
    scope: 'workspace',
    target: 'workspace',
    details: '',
  },
  'auth.login.succeeded': {
    area: 'Sign-in and sessions',
    when: 'a member signed in (after the second factor, when one is needed)',
    scope: 'workspace',
    target: 'user',
    details: 'secondFactor',
  },
  'auth.login.failed': {
    area: 'Sign-in and sessions',
    when: 'a sign-in was refused: wrong password or code, or throttled (an unknown account goes to the appliance log)',
    scope: 'workspace or appliance',
    target: 'user (when the account exists)',
    details: 'step, via, waitSeconds',
  },
  'auth.logout': {
    area: 'Sign-in and sessions',
    when: 'a member signed out',
    scope: 'workspace',
    target: null,
    details: '',
  },
  'session.revoked': {
    area: 'Sign-in and sessions',
    when: 'a member ended one of their sessions',
    scope: 'workspace',
    target: 'session',
    details: 'current',
  },
  'session.revoked_all': {
    area: 'Sign-in and sessions',
    when: 'a member signed out everywhere',
    scope: 'workspace',
    target: 'user',
    details: 'ended',
  },
  'member.invited': {
    area: 'Members',
    when: 'an invite was created',
    scope: 'workspace',
    target: 'invite',
    details: 'role',
  },
  'member.joined': {
    area: 'Members',
    when: 'an invite was accepted',
    scope: 'workspace',
    target: 'user',
    details: 'role, inviteId',
  },
  'member.role_changed': {
    area: 'Members',
    when: "a member's role was changed",
    scope: 'workspace',
    target: 'user',
    details: 'from, to',
  },
  'member.removed': {
    area: 'Members',
    when: 'a member was removed from the workspace',
    scope: 'workspace',
    target: 'user',
    details: 'role, unassigned',
  },
  'member.left': {
    area: 'Members',
    when: 'a member left the workspace',
    scope: 'workspace',
    target: 'user',
    details: 'role, unassigned',
  },
  'member.invite_revoked': {
    area: 'Members',
    when: 'a pending invite was withdrawn',
    scope: 'workspace',
    target: 'invite',
    details: 'role',
  },
  'whatsapp.settings_changed': {
    area: 'WhatsApp',
    when: "a number's settings or secrets were saved (secrets are named, never written)",
    scope: 'workspace',
    target: 'whatsapp_number',
    details: 'changed',
  },
  'conversation.deleted': {
    area: 'Conversations',
    when: 'a conversation and its messages were deleted',
    scope: 'workspace',
    target: 'conversation',
    details: '',
  },
  'contact.erased': {
    area: 'Conversations',
    when: 'a contact was erased everywhere (by a member, or by the system re-applying the erasure ledger after a restore)',
    scope: 'workspace',
    target: 'contact',
    details: 'reason, messages, conversations, media_objects',
  },
  'conversation.assigned': {
    area: 'Conversations',
    when: 'a conversation was assigned, taken or given back',
    scope: 'workspace',
    target: 'conversation',
    details: 'from, to',
  },
  'consent.changed': {
    area: 'Conversations',
    when: "a member recorded a contact's marketing opt-out or opt-in (keywords, Meta's webhook and error are in the contact's consent history)",
    scope: 'workspace',
    target: 'contact',
    details: 'purpose, from, to',
  },
  'consent.keywords_changed': {
    area: 'WhatsApp',
    when: "the workspace's stop and start keywords were replaced, or reset to the built-in lists",
    scope: 'workspace',
    target: 'workspace',
    details: 'builtIn, stop, start',
  },
  'templates.synced': {
    area: 'WhatsApp',
    when: "the workspace's message templates and their approval status were fetched from the Graph API",
    scope: 'workspace',
    target: null,
    details: 'accounts, templates',
  },
  'conversation.status_changed': {
    area: 'Conversations',
    when: 'a member marked a conversation open, pending or resolved',
    scope: 'workspace',
    target: 'conversation',
    details: 'from, to',
  },
  'note.added': {
    area: 'Conversations',
    when: 'a member wrote an internal note on a contact (never sent to the customer)',
    scope: 'workspace',
    target: 'contact',
    details: 'conversationId',
  },
  'backup.created': {
    area: 'Keys, backup and restore',
    when: 'a backup was written',
    scope: 'appliance',
    target: null,
    details: 'bytes, sha256, auditHeadSeq',
  },
  'two_factor.enabled': {
    area: 'Two-factor sign-in',
    when: 'a member turned two-factor sign-in on',
    scope: 'workspace',
    target: 'user',
    details: '',
  },
  'two_factor.disabled': {
    area: 'Two-factor sign-in',
    when: 'a member turned two-factor sign-in off',
    scope: 'workspace',
    target: 'user',
    details: '',
  },
  'two_factor.recovery_codes_replaced': {
    area: 'Two-factor sign-in',
    when: 'a member replaced their recovery codes',
    scope: 'workspace',
    target: 'user',
    details: '',
  },
  'two_factor.code_rejected': {
    area: 'Two-factor sign-in',
    when: 'a wrong code was given for a two-factor change',
    scope: 'workspace',
    target: 'user',
    details: 'waitSeconds',
  },
  'workspace.two_factor_required': {
    area: 'Two-factor sign-in',
    when: 'an OWNER required two-factor sign-in of owners and admins',
    scope: 'workspace',
    target: 'workspace',
    details: '',
  },
  'workspace.two_factor_optional': {
    area: 'Two-factor sign-in',
    when: 'an OWNER made two-factor sign-in optional again',
    scope: 'workspace',
    target: 'workspace',
    details: '',
  },
  'access.denied': {
    area: 'Refusals',
    when: 'a signed-in caller was refused by the permission matrix or a rule of the service',
    scope: 'workspace',
    target: 'procedure',
    details: 'requires, role, reason, grantId',
  },
  'keys.rotated': {
    area: 'Keys, backup and restore',
    when: 'the master key of stored secrets was rotated',
    scope: 'appliance',
    target: null,
    details: 'activeKeyId, retiredKeyIds, secrets',
  },
  'audit.verified': {
    area: 'Audit log',
    when: 'the hash chain was checked, with what was found (the page: its workspace log; the CLI: the appliance log)',
    scope: 'workspace or appliance',
    target: null,
    details:
      'length, headSeq, headHash, checkpointsMatched, firstBrokenSeq, problem, summary',
  },
  'keys.database_rekeyed': {
    area: 'Keys, backup and restore',
    when: 'the database was re-encrypted under a new root key',
    scope: 'appliance',
    target: null,
    details: 'keyMode',
  },
  'support.granted': {
    area: 'Support access',
    when: 'an OWNER granted time-boxed support access',
    scope: 'workspace',
    target: 'support_grant',
    details: 'supportName, supportEmail, reason, expiresAt, durationMinutes',
  },
  'support.redeemed': {
    area: 'Support access',
    when: 'the support person opened their link',
    scope: 'workspace',
    target: 'support_grant',
    details: 'grantId, supportName',
  },
  'support.used': {
    area: 'Support access',
    when: 'a support person made a call, reads included, and how it ended',
    scope: 'workspace',
    target: 'procedure',
    details: 'grantId, supportName',
  },
  'support.revoked': {
    area: 'Support access',
    when: 'support access was ended early (or with the OWNER who granted it)',
    scope: 'workspace',
    target: 'support_grant',
    details: 'supportName, redeemed, reason',
  },
  'support.expired': {
    area: 'Support access',
    when: 'support access reached its end time',
    scope: 'workspace',
    target: 'support_grant',
    details: 'grantId, grantedBy, expiresAt',
  },
  'support.signed_out': {
    area: 'Support access',
    when: 'the support person signed out, ending the grant',
    scope: 'workspace',
    target: 'support_grant',
    details: 'grantId',
  },
  'audit.retention_changed': {
    area: 'Audit log',
    when: 'how long entries are kept was changed',
    scope: 'appliance',
    target: null,
    details: 'fromMonths, toMonths',
  },
  'audit.pruned': {
    area: 'Audit log',
    when: 'entries past the retention period were removed',
    scope: 'appliance',
    target: null,
    details: 'entries, olderThan, retentionMonths',
  },
  'audit.exported': {
    area: 'Audit log',
    when: 'entries were exported, written before the first byte leaves (the page: its workspace log; the CLI: the workspace exported, or the appliance log)',
    scope: 'workspace or appliance',
    target: null,
    details: 'format, rows, filters',
  },
  'backup.restored': {
    area: 'Keys, backup and restore',
    when: 'this database was restored from a backup (written into the restored log)',
    scope: 'appliance',
    target: null,
    details: 'backupCreatedAt, sha256, auditHeadSeq',
  },
  'backup.snapshot_completed': {
    area: 'Keys, backup and restore',
    when: 'a snapshot of the continuous backup reached the backup tier (sealed with the backup key)',
    scope: 'appliance',
    target: null,
    details: 'generation, baseSequence, snapshotAt, bytes, sha256',
  },
  'backup.snapshot_failed': {
    area: 'Keys, backup and restore',
    when: 'a snapshot could not be uploaded (once per outage; the spool keeps it and retries)',
    scope: 'appliance',
    target: null,
    details: 'reason',
  },
  'backup.restored_to_time': {
    area: 'Keys, backup and restore',
    when: 'this database was rebuilt from the backup tier as it was at a chosen time (written into the restored log)',
    scope: 'appliance',
    target: null,
    details:
      'restoredTo, reachedAt, generation, snapshotAt, segments, checkpointLines; onto, source (on a new machine)',
  },
  'storage.provider_added': {
    area: 'Storage',
    when: 'the operator added an S3-compatible provider (after its live check passed)',
    scope: 'appliance',
    target: 'storage_provider',
    details: 'name, preset, endpoint, bucket',
  },
  'storage.provider_removed': {
    area: 'Storage',
    when: 'the operator removed a provider no tier listed',
    scope: 'appliance',
    target: 'storage_provider',
    details: 'name',
  },
  'storage.tier_changed': {
    area: 'Storage',
    when: "the operator changed a tier's appliance-wide provider list",
    scope: 'appliance',
    target: null,
    details: 'tier, from, to',
  },
  'storage.override_changed': {
    area: 'Storage',
    when: "an OWNER set or cleared their workspace's provider list for a tier",
    scope: 'workspace',
    target: null,
    details: 'tier, from, to',
  },
  'backup.schedule_changed': {
    area: 'Keys, backup and restore',
    when: 'the backup retention schedule was changed (an OWNER or ADMIN on the Backups page, or the operator with `backup schedule`)',
    scope: 'workspace or appliance',
    target: null,
    details: 'from, to',
  },
  'backup.kit_viewed': {
    area: 'Keys, backup and restore',
    when: 'the backup recovery kit (backup key, and the key file in key-file mode) was shown to an OWNER or written by the operator',
    scope: 'workspace or appliance',
    target: null,
    details: 'via, keyFingerprint, includesRootKey',
  },
  'metrics.token_created': {
    area: 'Monitoring',
    when: 'the operator made a bearer token for /metrics (shown once, stored as a hash)',
    scope: 'appliance',
    target: 'metrics_token',
    details: 'name',
  },
  'metrics.token_revoked': {
    area: 'Monitoring',
    when: 'the operator revoked a /metrics token',
    scope: 'appliance',
    target: 'metrics_token',
    details: 'name',
  },
};
