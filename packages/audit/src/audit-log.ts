import type { RequestOrigin } from '@flowgento/core';
import {
  AUDIT_CHAIN_COLUMNS,
  AUDIT_GENESIS_HASH,
  auditEntryHash,
  type AuditChainFields,
  type Store,
  type WorkspaceScope,
} from '@flowgento/store';
import type { AuditAction } from './actions.ts';
import {
  AuditQuery,
  COUNT_LIMIT,
  type AuditFilters,
  type AuditRecord,
} from './audit-query.ts';

/** User agents are attacker-controlled text; keep enough to identify a device. */
const USER_AGENT_LIMIT = 512;

export type AuditActor =
  | { type: 'user'; id: string; label: string }
  | { type: 'anonymous'; label?: string }
  | { type: 'system'; label: string };

export interface AuditEntryInput {
  workspaceId: string | null;
  actor: AuditActor;
  action: AuditAction;
  outcome?: 'success' | 'failure';
  target?: { type: string; id: string };
  origin: RequestOrigin;
  details?: Record<string, string | number | boolean | null>;
}

/**
 * What `verify` found: the chain intact (its length and newest hash), or the
 * first entry whose link to its predecessor (`link`) or whose own content
 * (`content`) no longer matches its stored hash, and how many came before it.
 * `summary` says the same in one sentence, for the CLI and the admin page.
 */
export type AuditChainReport =
  | { intact: true; length: number; headHash: string; summary: string }
  | {
      intact: false;
      length: number;
      firstBrokenSeq: number;
      problem: 'link' | 'content';
      summary: string;
    };

export interface AuditEntry {
  seq: number;
  at: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  outcome: 'success' | 'failure';
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

/**
 * The append-only audit log. `record` must run inside the transaction of the
 * action it describes, so that neither can exist without the other.
 */
export class AuditLog {
  constructor(private readonly store: Store) {}

  record(entry: AuditEntryInput): void {
    if (!this.store.db.inTransaction) {
      throw new Error(
        `Audit entry ${entry.action} written outside its action's transaction`,
      );
    }
    const actor = entry.actor;
    const fields: AuditChainFields = {
      at: this.store.clock.now(),
      workspaceId: entry.workspaceId,
      actorType: actor.type,
      actorId: actor.type === 'user' ? actor.id : null,
      actorLabel: actor.label ?? null,
      action: entry.action,
      outcome: entry.outcome ?? 'success',
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      ip: entry.origin.ip,
      userAgent: entry.origin.userAgent?.slice(0, USER_AGENT_LIMIT) ?? null,
      detailsJson: JSON.stringify(entry.details ?? {}),
    };
    // Inside the caller's (IMMEDIATE) transaction: no other writer can slip
    // an entry between reading the head and appending after it.
    const prevHash =
      (this.store
        .statement('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1')
        .pluck()
        .get() as string | null | undefined) ?? AUDIT_GENESIS_HASH;
    this.store
      .statement(
        `INSERT INTO audit_log (at, workspace_id, actor_type, actor_id, actor_label, action,
           outcome, target_type, target_id, ip, user_agent, details_json, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        fields.at,
        fields.workspaceId,
        fields.actorType,
        fields.actorId,
        fields.actorLabel,
        fields.action,
        fields.outcome,
        fields.targetType,
        fields.targetId,
        fields.ip,
        fields.userAgent,
        fields.detailsJson,
        prevHash,
        auditEntryHash(prevHash, fields),
      );
  }

  /**
   * Walks the whole log in order and recomputes every link. Names the first
   * entry whose stored hashes do not match its content or its predecessor,
   * or reports the chain intact with its length and head. Deleting the newest
   * entries leaves a shorter chain that is still intact; checkpoints kept
   * outside the database catch that (issue #4).
   */
  verify(): AuditChainReport {
    let prev = AUDIT_GENESIS_HASH;
    let length = 0;
    const rows = this.store.db
      .prepare(
        `SELECT seq, ${AUDIT_CHAIN_COLUMNS}, prev_hash AS prevHash, hash
         FROM audit_log ORDER BY seq`,
      )
      .iterate() as IterableIterator<
      AuditChainFields & { seq: number; prevHash: string | null; hash: string | null }
    >;
    for (const row of rows) {
      if (row.prevHash !== prev) return broken(length, row.seq, 'link');
      const expected = auditEntryHash(prev, row);
      if (row.hash !== expected) return broken(length, row.seq, 'content');
      prev = expected;
      length += 1;
    }
    return {
      intact: true,
      length,
      headHash: prev,
      summary: `Audit chain intact: ${length} entries, newest hash ${prev}`,
    };
  }

  /**
   * Verifies the chain and writes down that it was checked, by whom and with
   * what result (`audit.verified`), for the CLI and the admin page alike.
   */
  verifyAndRecord(by: Omit<AuditEntryInput, 'action' | 'outcome' | 'details'>) {
    const report = this.verify();
    this.store.transaction(() =>
      this.record({
        ...by,
        action: 'audit.verified',
        outcome: report.intact ? 'success' : 'failure',
        details: report.intact
          ? { length: report.length, headHash: report.headHash, summary: report.summary }
          : {
              firstBrokenSeq: report.firstBrokenSeq,
              problem: report.problem,
              summary: report.summary,
            },
      }),
    );
    return report;
  }

  /** When the chain was last checked, and what was found; null if never. */
  lastVerification(): { at: number; intact: boolean; summary: string } | null {
    const row = this.store
      .statement(
        `SELECT at, outcome, details_json AS detailsJson FROM audit_log
         WHERE action = 'audit.verified' ORDER BY seq DESC LIMIT 1`,
      )
      .get() as { at: number; outcome: string; detailsJson: string } | undefined;
    if (!row) return null;
    const details = JSON.parse(row.detailsJson) as { summary?: string };
    return {
      at: row.at,
      intact: row.outcome === 'success',
      summary: details.summary ?? '',
    };
  }

  /**
   * One workspace's entries narrowed by `filters`, newest first, in pages
   * that continue before the last entry shown (`beforeSeq`).
   */
  list(
    scope: WorkspaceScope,
    options: AuditFilters & { limit: number; beforeSeq?: number | undefined },
  ): AuditRecord[] {
    const { limit, beforeSeq, ...filters } = options;
    return new AuditQuery(this.store).list({ scope }, filters, { limit, beforeSeq });
  }

  /**
   * How many of one workspace's entries match `filters`, counted up to
   * COUNT_LIMIT: past that, "more than" says enough and costs no walk
   * through a range of millions.
   */
  count(scope: WorkspaceScope, filters: AuditFilters): { count: number; exact: boolean } {
    const count = new AuditQuery(this.store).count(
      { scope },
      filters,
      {},
      COUNT_LIMIT + 1,
    );
    return count > COUNT_LIMIT
      ? { count: COUNT_LIMIT, exact: false }
      : { count, exact: true };
  }
}

function broken(
  length: number,
  seq: number,
  problem: 'link' | 'content',
): AuditChainReport {
  const what =
    problem === 'content'
      ? 'its content no longer matches its hash'
      : 'it no longer links to the entry before it (an entry was removed or replaced)';
  const before =
    length === 1 ? 'The 1 entry before it is' : `The ${length} entries before it are`;
  return {
    intact: false,
    length,
    firstBrokenSeq: seq,
    problem,
    summary: `Audit chain BROKEN at entry #${seq}: ${what}. ${before} intact.`,
  };
}
