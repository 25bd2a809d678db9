import { hash } from 'node:crypto';

/** The link before the first entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * The columns of an audit entry that its hash covers: all of them but `seq`
 * and the two hashes. Columns added after the chain began (`requestId`) are
 * optional here, so entries written before they existed keep their hashes.
 */
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
  /** Since schema v9. */
  requestId?: string | null;
}

/**
 * SHA-256 over the previous entry's hash and this entry's fields, in a fixed
 * order: changing, removing or reordering any entry breaks every link after
 * it. A later column joins the list only when it holds a value, which keeps
 * older hashes valid and still binds the value: blanking a request id changes
 * the list, and so the hash. Lives in the store so that the migration which
 * chained the entries written before it computes what the audit log computes.
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
  if (f.requestId != null) fields.push(f.requestId);
  return auditHashOf(prevHash, fields);
}

/**
 * The hash over `prevHash` and an entry's fields already in chain order
 * (what `auditEntryHash` builds): for walking raw rows without objects.
 */
export function auditHashOf(prevHash: string, fields: readonly unknown[]): string {
  return auditHashOfJson(prevHash, JSON.stringify(fields));
}

/** The same, over the fields already written as a JSON array. */
export function auditHashOfJson(prevHash: string, fieldsJson: string): string {
  return hash('sha256', `${prevHash}\n${fieldsJson}`, 'hex');
}

/**
 * Every chained column in hash order, then the two hashes, as `SELECT`
 * lists them for a raw (array) walk: `row.slice(1, 13)` are the v8 fields,
 * `row[13]` the request id, `row[14]` and `row[15]` the stored hashes.
 */
export const AUDIT_RAW_COLUMNS = `seq, at, workspace_id, actor_type, actor_id, actor_label,
  action, outcome, target_type, target_id, ip, user_agent, details_json, request_id,
  prev_hash, hash`;

/** The columns of schema v8 (the first chained version), as `SELECT` lists them. */
export const AUDIT_CHAIN_COLUMNS = `at, workspace_id AS workspaceId, actor_type AS actorType,
  actor_id AS actorId, actor_label AS actorLabel, action, outcome,
  target_type AS targetType, target_id AS targetId, ip, user_agent AS userAgent,
  details_json AS detailsJson`;
