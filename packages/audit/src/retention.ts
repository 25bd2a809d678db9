import { AppError, DAY_MS } from '@flowgento/core';
import type { AuditCheckpoint, Store } from '@flowgento/store';
import { MIN_RETENTION_MONTHS, monthsBefore, verifyChain } from './chain-verify.ts';
import type { AuditEntryInput, AuditLog } from './audit-log.ts';

/** The promise: at least a year. The setting can raise this, never lower it. */
export const MAX_RETENTION_MONTHS = 1200;

type By = Pick<AuditEntryInput, 'actor' | 'origin'>;

export interface PruneResult {
  /** Entries removed; 0 when nothing was old enough. */
  pruned: number;
  /** The oldest entry kept, which the chain is now verified from. */
  firstSeq: number | null;
  /** Entries older than this (ms since the epoch) were removed. */
  cutoff: number;
}

/**
 * How long audit entries are kept, and the pruning of older ones. A prune
 * removes only a prefix of the log (an older entry is never dropped while an
 * even older one stays) and records an anchor, the first entry kept and the
 * hash it links back to, so that the rest of the chain still verifies, and
 * so that deleting old entries outside a prune is still caught.
 */
export class AuditRetention {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    /**
     * The longest a workspace's retention rule keeps the audit log, in days
     * (issue #8), or null. The log is one chain pruned as a prefix, so the
     * longest rule holds for every workspace's entries.
     */
    private readonly longestRuleDays: () => number | null = () => null,
  ) {}

  months(): number {
    return this.audit.retentionMonths();
  }

  setMonths(months: number, by: By): void {
    if (
      !Number.isInteger(months) ||
      months < MIN_RETENTION_MONTHS ||
      months > MAX_RETENTION_MONTHS
    ) {
      throw new AppError(
        'INVALID_INPUT',
        `Audit retention must be a whole number of months from ${MIN_RETENTION_MONTHS} to ${MAX_RETENTION_MONTHS}`,
        { reason: 'retention_out_of_range' },
      );
    }
    this.store.transaction(() => {
      const from = this.months();
      if (from === months) return;
      this.store
        .statement('UPDATE audit_settings SET retention_months = ? WHERE id = 1')
        .run(months);
      this.audit.record({
        ...by,
        workspaceId: null,
        action: 'audit.retention_changed',
        details: { fromMonths: from, toMonths: months },
      });
    });
  }

  /**
   * The time before which entries may go: `months` calendar months ago, UTC,
   * or earlier when a workspace's rule keeps the log longer.
   */
  cutoff(now = this.store.clock.now()): number {
    const byMonths = monthsBefore(now, this.months());
    const days = this.longestRuleDays();
    return days === null ? byMonths : Math.min(byMonths, now - days * DAY_MS);
  }

  /**
   * Removes the entries older than the retention period, in one transaction
   * with the anchor and an `audit.pruned` entry saying what went. The
   * append-only trigger is lifted for exactly this delete and restored
   * before the transaction commits. The chain (and `checkpoints`) must verify
   * first; the `audit.pruned` entry names the anchor, so that an anchor no
   * prune wrote is caught.
   */
  prune(
    by: By,
    /** Read only when something is old enough to go. */
    evidence: () => {
      checkpoints: readonly AuditCheckpoint[];
      problems: readonly string[];
    } = () => ({ checkpoints: [], problems: [] }),
  ): PruneResult {
    return this.store.transaction(() => {
      const cutoff = this.cutoff();
      const first = this.store
        .statement('SELECT min(seq) FROM audit_log')
        .pluck()
        .get() as number | null;
      // The first entry young enough to keep; everything before it goes, even
      // if a clock step made some of those younger (a prune removes a prefix).
      const keepFrom = this.store
        .statement('SELECT min(seq) FROM audit_log WHERE at >= ?')
        .pluck()
        .get(cutoff) as number | null;
      const removable =
        first === null
          ? 0
          : (this.store
              .statement('SELECT count(*) FROM audit_log WHERE seq < ?')
              .pluck()
              .get(keepFrom ?? Number.MAX_SAFE_INTEGER) as number);
      if (removable === 0) return { pruned: 0, firstSeq: first, cutoff };

      // Nothing is pruned from a chain that does not verify: removing its
      // oldest entries could take the evidence of tampering with them.
      const { checkpoints, problems } = evidence();
      const report = verifyChain(this.store.db, checkpoints);
      if (!report.intact || problems.length > 0) {
        const why = report.intact ? problems.join(' ') : report.summary;
        throw new AppError(
          'PRECONDITION_FAILED',
          `Nothing was pruned: the audit chain does not verify. ${why}`,
          { reason: 'audit_chain_broken' },
        );
      }
      // The first entry kept, and the hash it links back to. When every entry
      // is old enough, that is the `audit.pruned` entry written next.
      const head = this.store
        .statement('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
        .get() as { seq: number; hash: string };
      const keptFrom = keepFrom ?? head.seq + 1;
      const prevHash =
        keepFrom === null
          ? head.hash
          : (this.store
              .statement('SELECT prev_hash FROM audit_log WHERE seq = ?')
              .pluck()
              .get(keepFrom) as string);
      this.audit.record({
        ...by,
        workspaceId: null,
        action: 'audit.pruned',
        details: {
          entries: removable,
          olderThan: new Date(cutoff).toISOString(),
          retentionMonths: this.months(),
          keptFrom,
          anchorHash: prevHash,
        },
      });
      this.store
        .statement(
          `INSERT INTO audit_anchors (first_seq, prev_hash, pruned_at, pruned_count, cutoff)
           VALUES (?, ?, ?, ?, ?)`,
        )
        .run(keptFrom, prevHash, this.store.clock.now(), removable, cutoff);
      this.store.db.exec('DROP TRIGGER audit_log_refuses_delete');
      const { changes } = this.store
        .statement('DELETE FROM audit_log WHERE seq < ?')
        .run(keptFrom);
      this.store.db.exec(`
        CREATE TRIGGER audit_log_refuses_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      `);
      return { pruned: changes, firstSeq: keptFrom, cutoff };
    });
  }
}
