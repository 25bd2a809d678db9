import type { AuditLog, AuditRetention, PruneResult } from '@flowgento/audit';
import { appendCheckpoint, readCheckpoints } from '@flowgento/store';
import { HOUR_MS, type Logger } from '@flowgento/core';

/** How often the running appliance notes how far the audit chain reaches. */
export const CHECKPOINT_INTERVAL_MS = 5 * 60 * 1000;
/** How often it removes entries past the retention period. */
export const PRUNE_INTERVAL_MS = 6 * HOUR_MS;

const SYSTEM = {
  actor: { type: 'system', label: 'audit retention' },
  origin: { ip: null, userAgent: null },
} as const;

export interface AuditKeeper {
  /** Appends a checkpoint now, unless the chain has not moved since the last. */
  checkpoint(): void;
  prune(): PruneResult;
  /** Stops the timers and takes a last checkpoint. */
  close(): void;
}

/**
 * The running appliance's care of its audit log: a checkpoint outside the
 * database every few minutes (when the log grew) and at shutdown, so that
 * deleting the newest entries is caught; and pruning by the retention
 * setting at start and every few hours. Failures are logged, never fatal:
 * the next tick tries again.
 */
export function startAuditKeeper(input: {
  audit: AuditLog;
  retention: AuditRetention;
  checkpointPath: string;
  logger: Logger;
}): AuditKeeper {
  const { audit, retention, checkpointPath, logger } = input;
  // The file's own last line: a restart does not repeat an unchanged head.
  let lastHash = readCheckpoints([checkpointPath]).checkpoints.at(-1)?.headHash;

  const checkpoint = () => {
    // One indexed read decides; the full checkpoint (with its count) only
    // when the log grew.
    if (audit.headHash() === lastHash) return;
    const head = audit.checkpoint();
    if (!head) return;
    appendCheckpoint(checkpointPath, head);
    lastHash = head.headHash;
  };
  const prune = () => {
    const result = retention.prune(SYSTEM, () => audit.checkpointEvidence());
    if (result.pruned > 0) {
      logger.info(
        {
          pruned: result.pruned,
          firstSeq: result.firstSeq,
          olderThan: new Date(result.cutoff).toISOString(),
        },
        'audit entries past retention removed',
      );
      checkpoint();
    }
    return result;
  };
  const guarded = (what: string, fn: () => unknown) => () => {
    try {
      fn();
    } catch (error) {
      logger.error({ err: error }, `audit ${what} failed`);
    }
  };

  guarded('prune', prune)();
  guarded('checkpoint', checkpoint)();
  const timers = [
    setInterval(guarded('checkpoint', checkpoint), CHECKPOINT_INTERVAL_MS),
    setInterval(guarded('prune', prune), PRUNE_INTERVAL_MS),
  ];
  for (const timer of timers) timer.unref();
  let closed = false;

  return {
    checkpoint,
    prune,
    close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearInterval(timer);
      guarded('checkpoint', checkpoint)();
    },
  };
}
