import { createHash } from 'node:crypto';

/** The link before the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The columns of an audit entry that its hash covers: all of them but `seq`. */
export interface AuditChainFields {
  at: number;
  workspaceId: string | null;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  detailsJson: string;
}

/**
 * SHA-256 over the previous entry's hash and this entry's fields, in a fixed
 * order: changing, removing or reordering any entry breaks every link after
 * it. Lives in the store so that the migration which chained the entries
 * written before it computes exactly what the audit log computes.
 */
export function auditEntryHash(prevHash: string, f: AuditChainFields): string {
  const fields = [
    f.at,
    f.workspaceId,
    f.actorType,
    f.actorId,
    f.actorLabel,
    f.action,
    f.outcome,
    f.targetType,
    f.targetId,
    f.ip,
    f.userAgent,
    f.detailsJson,
  ];
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(JSON.stringify(fields))
    .digest('hex');
}

/** The columns above, as `SELECT` lists them. */
export const AUDIT_CHAIN_COLUMNS = `at, workspace_id AS workspaceId, actor_type AS actorType,
  actor_id AS actorId, actor_label AS actorLabel, action, outcome,
  target_type AS targetType, target_id AS targetId, ip, user_agent AS userAgent,
  details_json AS detailsJson`;
