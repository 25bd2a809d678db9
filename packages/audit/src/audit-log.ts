import { plural, type RequestOrigin } from '@flowgento/core';
import {
  AUDIT_GENESIS_HASH,
  auditEntryHash,
  appendCheckpoint,
  auditHeadOf,
  checkpointLines,
  readCheckpoints,
  type AuditChainFields,
  type AuditCheckpoint,
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
import { verifyChain, type AuditChainReport } from './chain-verify.ts';
import { verifyChainInParallel, type ChainSource } from './parallel-verify.ts';

/**
 * Text as the database will hand it back: a lone surrogate (possible in
 * JSON a client sent, or where a cut splits a pair) cannot be stored as
 * UTF-8 and would come back as U+FFFD. Hashing the stored form keeps such
 * input from making a sound entry look tampered with.
 */
function stored(text: string | null | undefined): string | null {
  return text == null ? null : Buffer.from(text, 'utf8').toString('utf8');
}

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
  /** The HTTP request that caused it (its `X-Request-Id`), if one did. */
  requestId: string | null;
  details: Record<string, unknown>;
}

/**
 * The append-only audit log. `record` must run inside the transaction of the
 * action it describes, so that neither can exist without the other.
 */
export class AuditLog {
  /**
   * `source` (the database file and key) lets a long log be verified on two
   * threads at once; without it, verification walks on this connection.
   * `checkpointFile` is the data folder's checkpoints, which every
   * verification compares the chain with.
   */
  constructor(
    private readonly store: Store,
    private readonly options: {
      source?: ChainSource;
      checkpointFile?: string;
      /** Walk the chain on worker threads only (a server's event loop stays free). */
      verifyOffThread?: boolean;
    } = {},
  ) {}

  record(entry: AuditEntryInput): void {
    if (!this.store.db.inTransaction) {
      throw new Error(
        `Audit entry ${entry.action} written outside its action's transaction`,
      );
    }
    const actor = entry.actor;
    const fields: AuditChainFields = {
      at: this.store.clock.now(),
      workspaceId: stored(entry.workspaceId),
      actorType: actor.type,
      actorId: actor.type === 'user' ? stored(actor.id) : null,
      actorLabel: stored(actor.label),
      action: entry.action,
      outcome: entry.outcome ?? 'success',
      targetType: stored(entry.target?.type),
      targetId: stored(entry.target?.id),
      ip: stored(entry.origin.ip),
      userAgent: stored(entry.origin.userAgent?.slice(0, USER_AGENT_LIMIT)),
      detailsJson: JSON.stringify(entry.details ?? {}),
      requestId: stored(entry.origin.requestId),
    };
    // Inside the caller's (IMMEDIATE) transaction: no other writer can slip
    // an entry between reading the head and appending after it.
    const prevHash = this.headHash() ?? AUDIT_GENESIS_HASH;
    this.store
      .statement(
        `INSERT INTO audit_log (at, workspace_id, actor_type, actor_id, actor_label, action,
           outcome, target_type, target_id, ip, user_agent, details_json, request_id,
           prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        fields.requestId,
        prevHash,
        auditEntryHash(prevHash, fields),
      );
  }

  /**
   * Checks the whole chain (see `verifyChain`), against the checkpoints
   * given: read them before calling, never after.
   */
  verify(checkpoints: readonly AuditCheckpoint[] = []): AuditChainReport {
    return verifyChain(this.store.db, checkpoints);
  }

  /** The newest entry's hash, or null for an empty log. */
  headHash(): string | null {
    return (
      (this.store
        .statement('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1')
        .pluck()
        .get() as string | undefined) ?? null
    );
  }

  /** The newest entry and the chain's length, for a checkpoint. */
  checkpoint(): AuditCheckpoint | null {
    return auditHeadOf(this.store.db, this.store.clock.now());
  }

  /**
   * Verifies the chain and writes down that it was checked, by whom and with
   * what result (`audit.verified`), for the CLI and the admin page alike;
   * with `record: false` it only verifies (no entry, no checkpoint appended).
   */
  async verifyAndRecord(
    by: Omit<AuditEntryInput, 'action' | 'outcome' | 'details'>,
    alsoCompareWith: readonly string[] = [],
    options: { record?: boolean } = {},
  ): Promise<AuditChainReport & { checkpointProblems: string[] }> {
    // Read before the chain, so every checkpoint describes committed entries.
    const own = this.options.checkpointFile;
    const {
      checkpoints,
      problems: checkpointProblems,
      ownLines,
    } = this.checkpointEvidence(alsoCompareWith);
    const before = this.lastCheckpointLines();
    const report = this.options.source
      ? await verifyChainInParallel(this.store.db, this.options.source, checkpoints, {
          offThread: this.options.verifyOffThread,
        })
      : this.verify(checkpoints);
    const intact = report.intact && checkpointProblems.length === 0;
    if (report.intact && !intact) {
      report.summary += ` But the checkpoints were tampered with: ${checkpointProblems.join(' ')}`;
    }
    // `record: false`: the database is another process's to write (the CLI
    // beside a running appliance); the check is only reported.
    if (options.record === false) return { ...report, checkpointProblems };
    this.store.transaction(() =>
      this.record({
        ...by,
        action: 'audit.verified',
        outcome: intact ? 'success' : 'failure',
        details: report.intact
          ? {
              length: report.length,
              headSeq: report.headSeq,
              headHash: report.headHash,
              checkpointsMatched: report.checkpointsMatched,
              checkpointLines: Math.max(ownLines, before),
              checkpointProblems: checkpointProblems.length,
              summary: report.summary,
            }
          : {
              firstBrokenSeq: report.firstBrokenSeq,
              problem: report.problem,
              checkpointLines: Math.max(ownLines, before),
              summary: report.summary,
            },
      }),
    );
    if (intact && own) {
      const head = this.checkpoint();
      if (head) appendCheckpoint(own, head);
    }
    return { ...report, checkpointProblems };
  }

  /**
   * The checkpoints to compare the chain with (the data folder's file and
   * `alsoCompareWith`), and what is wrong with them: checkpoints are only
   * ever appended, so a line mangled, or fewer lines than the last check
   * counted, is itself a sign of tampering (with the evidence).
   */
  checkpointEvidence(alsoCompareWith: readonly string[] = []): {
    checkpoints: AuditCheckpoint[];
    problems: string[];
    ownLines: number;
  } {
    const own = this.options.checkpointFile;
    const files = [own, ...alsoCompareWith].filter(
      (file): file is string => file !== undefined,
    );
    const { checkpoints, unreadable } = readCheckpoints(files);
    const ownLines = own ? checkpointLines(own) : 0;
    const problems = unreadable.map(
      (place) => `Not a checkpoint (damaged or edited): ${place}`,
    );
    const before = this.lastCheckpointLines();
    if (own && ownLines < before) {
      problems.push(
        `The checkpoint file holds ${plural(ownLines, 'line')}, fewer than the ${before} the last check found: checkpoints were removed.`,
      );
    }
    return { checkpoints, problems, ownLines };
  }

  /**
   * How many checkpoint lines the data folder's file held at the newest check,
   * or when this database was restored (a restored folder starts a new file).
   */
  private lastCheckpointLines(): number {
    const details = this.store
      .statement(
        `SELECT details_json FROM audit_log
         WHERE action IN ('audit.verified', 'backup.restored', 'backup.restored_to_time')
         ORDER BY seq DESC LIMIT 1`,
      )
      .pluck()
      .get() as string | undefined;
    const lines = details
      ? (JSON.parse(details) as { checkpointLines?: unknown }).checkpointLines
      : undefined;
    return typeof lines === 'number' ? lines : 0;
  }

  /** How many months entries are kept (at least 12; see AuditRetention). */
  retentionMonths(): number {
    return this.store
      .statement('SELECT retention_months FROM audit_settings WHERE id = 1')
      .pluck()
      .get() as number;
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
