import {
  AUDIT_CHAIN_COLUMNS,
  type AuditChainFields,
  type Store,
  type WorkspaceScope,
} from '@flowgento/store';
import type { AuditAction } from './actions.ts';
import type { AuditEntry } from './audit-log.ts';

/**
 * What the audit page, its exports and `flowgento audit export` narrow the
 * log by. Every field given must match; none given means every entry.
 */
export interface AuditFilters {
  /**
   * A member's id, matched exactly, or text found in the actor's label (an
   * email, a support person's name); ASCII letters match in either case.
   */
  actor?: string | undefined;
  action?: AuditAction | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Earliest time, inclusive, in milliseconds since the epoch. */
  from?: number | undefined;
  /** Latest time, inclusive, in milliseconds since the epoch. */
  to?: number | undefined;
}

/**
 * Whose entries a query reads: one workspace's, proved by its scope, or, for
 * the operator at the command line only, the whole appliance's (appliance-wide
 * entries such as `keys.rotated` included), optionally one workspace's.
 */
export type AuditLogPart =
  { scope: WorkspaceScope } | { wholeAppliance: true; workspaceId?: string | undefined };

/** An entry as pages and exports show it, with the workspace it belongs to. */
export type AuditRecord = AuditEntry & { workspaceId: string | null };

/**
 * A place in the log's newest-first order, by time and then sequence number
 * (a clock set back does not reorder what was written before it).
 */
export interface AuditPosition {
  at: number;
  seq: number;
}

export interface AuditBounds {
  /** Only entries older than this place. */
  before?: AuditPosition | undefined;
  /** Only entries up to this sequence number: an export's fixed end. */
  upToSeq?: number | undefined;
}

/** Where the audit page stops counting the entries that match its filters. */
export const COUNT_LIMIT = 10_000;

/** Member ids are UUIDs; an actor filter of that shape names one member. */
const MEMBER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type AuditRow = AuditChainFields & { seq: number; requestId: string | null };

/** A parameterised query over the audit log, and the one index it reads. */
export interface AuditSql {
  index: string;
  where: string;
  params: unknown[];
}

/**
 * The conditions for `filters` within `part`. The index is named in the SQL
 * (`INDEXED BY`) so a plan cannot drift: without statistics SQLite preferred
 * the time index's range to an action that matches a thousand times fewer
 * entries (a rare action over a wide date range took 1.4 s on a million
 * entries instead of 0.03 ms). The filter that narrows most by its nature
 * leads: a target id, a member, an action, text in the label (read from the
 * time index itself), a target type; otherwise time alone.
 */
export function auditSql(
  part: AuditLogPart,
  filters: AuditFilters,
  bounds: AuditBounds = {},
): AuditSql {
  const terms: string[] = [];
  const params: unknown[] = [];
  const where = (term: string, ...values: unknown[]) => {
    terms.push(term);
    params.push(...values);
  };

  const workspaceId = 'scope' in part ? part.scope.workspaceId : part.workspaceId;
  if (workspaceId !== undefined) where('workspace_id = ?', workspaceId);
  const actorId =
    filters.actor !== undefined && MEMBER_ID.test(filters.actor)
      ? filters.actor
      : undefined;
  const labelText = actorId === undefined ? filters.actor : undefined;
  if (actorId !== undefined) where('actor_id = ?', actorId);
  if (labelText !== undefined)
    where('instr(lower(actor_label), lower(?)) > 0', labelText);
  if (filters.action !== undefined) where('action = ?', filters.action);
  if (filters.targetType !== undefined) where('target_type = ?', filters.targetType);
  if (filters.targetId !== undefined) where('target_id = ?', filters.targetId);

  // One upper bound on `at`, so the index range ends at the tighter of the two.
  const { before, upToSeq } = bounds;
  if (filters.from !== undefined) where('at >= ?', filters.from);
  const latest = Math.min(filters.to ?? Infinity, before?.at ?? Infinity);
  if (latest !== Infinity) where('at <= ?', latest);
  if (before) where('(at < ? OR seq < ?)', before.at, before.seq);
  if (upToSeq !== undefined) where('seq <= ?', upToSeq);

  return {
    index: indexFor(workspaceId !== undefined, filters, actorId, labelText),
    where: terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : '',
    params,
  };
}

function indexFor(
  inWorkspace: boolean,
  filters: AuditFilters,
  actorId: string | undefined,
  labelText: string | undefined,
): string {
  if (!inWorkspace) return 'audit_log_by_time';
  if (filters.targetId !== undefined) return 'audit_log_by_workspace_target_id';
  if (actorId !== undefined) return 'audit_log_by_workspace_actor';
  if (filters.action !== undefined) return 'audit_log_by_workspace_action';
  if (labelText === undefined && filters.targetType !== undefined) {
    return 'audit_log_by_workspace_target_type';
  }
  return 'audit_log_by_workspace_time';
}

/** The entries of `auditSql`, newest first. */
export function auditPageSql(sql: AuditSql): string {
  return `SELECT seq, ${AUDIT_CHAIN_COLUMNS}, request_id AS requestId
    FROM audit_log INDEXED BY ${sql.index}
    ${sql.where} ORDER BY at DESC, seq DESC LIMIT ?`;
}

/**
 * Reads the audit log by filters, newest first, in keyset pages: each page
 * continues from the last entry of the one before, so a page deep in a log of
 * millions costs what the first one does.
 */
export class AuditQuery {
  constructor(private readonly store: Store) {}

  /** One page, continuing before the entry numbered `beforeSeq` if given. */
  list(
    part: AuditLogPart,
    filters: AuditFilters,
    page: { limit: number; beforeSeq?: number | undefined },
  ): AuditRecord[] {
    let before: AuditPosition | undefined;
    if (page.beforeSeq !== undefined) {
      before = this.positionOf(part, page.beforeSeq);
      // Not an entry of this part of the log: nothing lies before it here.
      if (!before) return [];
    }
    return [...this.rows(part, filters, { limit: page.limit, before })];
  }

  /**
   * Up to `limit` entries, mapped one at a time as SQLite steps: a caller
   * that stops early leaves the rest unread. Consume or close the iterator
   * before the next statement on this connection.
   */
  *rows(
    part: AuditLogPart,
    filters: AuditFilters,
    options: AuditBounds & { limit: number },
  ): Generator<AuditRecord, void, undefined> {
    const sql = auditSql(part, filters, options);
    const rows = this.store
      .statement(auditPageSql(sql))
      .iterate(...sql.params, options.limit) as IterableIterator<AuditRow>;
    for (const row of rows) yield recordOf(row);
  }

  /**
   * How many entries match, read from the same index as the pages; with
   * `limit`, counting stops there (a count of millions walks its whole range).
   */
  count(
    part: AuditLogPart,
    filters: AuditFilters,
    bounds: AuditBounds = {},
    limit?: number,
  ): number {
    const sql = auditSql(part, filters, bounds);
    const rows = `FROM audit_log INDEXED BY ${sql.index} ${sql.where}`;
    if (limit === undefined) {
      return this.store
        .statement(`SELECT count(*) ${rows}`)
        .pluck()
        .get(...sql.params) as number;
    }
    return this.store
      .statement(`SELECT count(*) FROM (SELECT 1 ${rows} LIMIT ?)`)
      .pluck()
      .get(...sql.params, limit) as number;
  }

  /** The newest entry's number (0 for an empty log): where an export stops. */
  newestSeq(): number {
    return (
      (this.store.statement('SELECT max(seq) FROM audit_log').pluck().get() as
        number | null) ?? 0
    );
  }

  private positionOf(part: AuditLogPart, seq: number): AuditPosition | undefined {
    const workspaceId = 'scope' in part ? part.scope.workspaceId : part.workspaceId;
    const position =
      workspaceId === undefined
        ? this.store.statement('SELECT at, seq FROM audit_log WHERE seq = ?').get(seq)
        : this.store
            .statement('SELECT at, seq FROM audit_log WHERE seq = ? AND workspace_id = ?')
            .get(seq, workspaceId);
    return position as AuditPosition | undefined;
  }
}

function recordOf({ detailsJson, outcome, ...row }: AuditRow): AuditRecord {
  return {
    ...row,
    outcome: outcome === 'failure' ? 'failure' : 'success',
    details: JSON.parse(detailsJson) as Record<string, unknown>,
  };
}
