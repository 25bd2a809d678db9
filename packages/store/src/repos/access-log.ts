import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import { AUDIT_GENESIS_HASH, auditHashOf } from '../audit-chain.ts';
import { latestAnchor } from './access-log-retention.ts';

export const ACCESS_ACTIONS = [
  'read',
  'search',
  'export',
  'download',
  'correct',
  'erase',
] as const;
/** What was done with a contact's data. */
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** One access, as written: the contact only as its keyed hash. */
export interface AccessLogWrite {
  at: number;
  actorId: string | null;
  actorLabel: string | null;
  action: AccessAction;
  /** Where it happened, e.g. `inbox.conversation`, `desk.search`, `media`. */
  via: string;
  contactHash: string;
}

export interface AccessLogEntry extends AccessLogWrite {
  seq: number;
}

export interface AccessLogFilter {
  actorId?: string;
  contactHash?: string;
  from?: number;
  to?: number;
  actions?: readonly AccessAction[];
}

const ENTRY_COLUMNS = `seq, at, actor_id AS actorId, actor_label AS actorLabel, action,
  via, contact_hash AS contactHash`;

/** The fields a link's hash covers, in a fixed order. */
function chained(workspaceId: string, e: AccessLogWrite): unknown[] {
  return [e.at, workspaceId, e.actorId, e.actorLabel, e.action, e.via, e.contactHash];
}

/** One workspace's access log; appends are chained with every other workspace's. */
export class AccessLogRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /** The workspace's pseudonymisation key, wrapped; undefined before the first entry. */
  wrappedKey(): Buffer | undefined {
    return this.store
      .statement(`SELECT key_wrapped FROM access_log_keys WHERE workspace_id = ?`)
      .pluck()
      .get(this.scope.workspaceId) as Buffer | undefined;
  }

  saveKey(wrapped: Buffer): void {
    this.store
      .statement(
        `INSERT INTO access_log_keys (workspace_id, key_wrapped, created_at)
         VALUES (?, ?, ?)`,
      )
      .run(this.scope.workspaceId, wrapped, this.store.clock.now());
  }

  /** Appends in order; must run inside a transaction, so no other append interleaves. */
  append(entries: readonly AccessLogWrite[]): void {
    if (!this.store.db.inTransaction) {
      throw new Error('Access log entries are appended inside a transaction');
    }
    // After a cut that took every entry, the next links to the anchor.
    let prev =
      (this.store
        .statement(`SELECT hash FROM access_log ORDER BY seq DESC LIMIT 1`)
        .pluck()
        .get() as string | undefined) ??
      latestAnchor(this.store)?.prevHash ??
      AUDIT_GENESIS_HASH;
    const insert = this.store.statement(
      `INSERT INTO access_log (workspace_id, at, actor_id, actor_label, action, via,
         contact_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const e of entries) {
      const hash = auditHashOf(prev, chained(this.scope.workspaceId, e));
      insert.run(
        this.scope.workspaceId,
        e.at,
        e.actorId,
        e.actorLabel,
        e.action,
        e.via,
        e.contactHash,
        prev,
        hash,
      );
      prev = hash;
    }
  }

  /** Newest first, a page at a time (`before` is the last seq of the page before). */
  list(
    filter: AccessLogFilter,
    page: { before?: number; limit: number },
  ): AccessLogEntry[] {
    const { where, params } = whereOf(this.scope.workspaceId, filter);
    if (page.before !== undefined) {
      where.push('seq < ?');
      params.push(page.before);
    }
    return this.store.db
      .prepare(
        `SELECT ${ENTRY_COLUMNS} FROM access_log WHERE ${where.join(' AND ')}
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(...params, page.limit) as AccessLogEntry[];
  }

  /** The distinct contact hashes the filter covers, with how many accesses each. */
  contactsTouched(filter: AccessLogFilter): { contactHash: string; accesses: number }[] {
    const { where, params } = whereOf(this.scope.workspaceId, filter);
    return this.store.db
      .prepare(
        `SELECT contact_hash AS contactHash, count(*) AS accesses FROM access_log
         WHERE ${where.join(' AND ')} GROUP BY contact_hash ORDER BY contact_hash`,
      )
      .all(...params) as { contactHash: string; accesses: number }[];
  }
}

function whereOf(
  workspaceId: string,
  filter: AccessLogFilter,
): { where: string[]; params: unknown[] } {
  const where = ['workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  if (filter.actorId !== undefined) {
    where.push('actor_id = ?');
    params.push(filter.actorId);
  }
  if (filter.contactHash !== undefined) {
    where.push('contact_hash = ?');
    params.push(filter.contactHash);
  }
  if (filter.from !== undefined) {
    where.push('at >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push('at <= ?');
    params.push(filter.to);
  }
  if (filter.actions?.length) {
    where.push(`action IN (${filter.actions.map(() => '?').join(', ')})`);
    params.push(...filter.actions);
  }
  return { where, params };
}

/** What a walk of the whole access log found. */
export interface AccessLogChainReport {
  ok: boolean;
  checked: number;
  /** The first entry whose link does not hold, or the gap a deletion left. */
  brokenAt: number | null;
  problem: 'edited' | 'deleted' | null;
}

/**
 * Walks every entry in order and recomputes each link. A changed row breaks
 * its own hash; a removed one breaks the next entry's `prev_hash` or leaves
 * a gap in the sequence (AUTOINCREMENT never reuses a number, so a removed
 * last entry shows as `sqlite_sequence` ahead of the last row). The walk
 * starts at the last retention cut's anchor: a first entry removed outside
 * a cut leaves the walk starting at the wrong number.
 */
export function verifyAccessLogChain(store: Store): AccessLogChainReport {
  // After a retention cut the chain starts at the last anchor, not genesis.
  const anchor = latestAnchor(store);
  let prev = anchor?.prevHash ?? AUDIT_GENESIS_HASH;
  let expectedSeq = anchor?.firstSeq ?? 1;
  let checked = 0;
  const rows = store
    .statement(
      `SELECT seq, at, workspace_id, actor_id, actor_label, action, via, contact_hash,
         prev_hash, hash FROM access_log ORDER BY seq`,
    )
    .raw()
    .iterate() as Iterable<unknown[]>;
  for (const row of rows) {
    const seq = row[0] as number;
    if (seq !== expectedSeq || row[8] !== prev) {
      return { ok: false, checked, brokenAt: seq, problem: 'deleted' };
    }
    const hash = auditHashOf(prev, row.slice(1, 8));
    if (hash !== row[9]) return { ok: false, checked, brokenAt: seq, problem: 'edited' };
    prev = hash;
    expectedSeq = seq + 1;
    checked++;
  }
  const last = store
    .statement(`SELECT seq FROM sqlite_sequence WHERE name = 'access_log'`)
    .pluck()
    .get() as number | undefined;
  if (last !== undefined && last >= expectedSeq) {
    return { ok: false, checked, brokenAt: expectedSeq, problem: 'deleted' };
  }
  return { ok: true, checked, brokenAt: null, problem: null };
}
