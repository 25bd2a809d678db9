import type { MetricFamily, MetricsCollector } from '@flowgento/core';
import type { BackupStatusSource } from './status.ts';

/**
 * Continuous backup on `/metrics`: how far the backup tier is behind, what
 * waits in the spool, how old the newest snapshot is, and whether the last
 * attempt failed — what an operator would alert on.
 */
export function backupCollector(
  source: BackupStatusSource,
  now: () => number = Date.now,
): MetricsCollector {
  return () => {
    const status = source.status();
    const gauge = (name: string, help: string, value: number | null): MetricFamily => ({
      name,
      help,
      type: 'gauge',
      samples: value === null ? [] : [{ value }],
    });
    const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
    return [
      gauge(
        'flowgento_backup_lag_seconds',
        'How far the backup tier is behind the database',
        seconds(status.lagMs),
      ),
      gauge(
        'flowgento_backup_pending_segments',
        'Shipped changes waiting in the local spool for the backup tier',
        status.pendingSegments,
      ),
      gauge(
        'flowgento_backup_snapshot_age_seconds',
        'Time since the newest snapshot reached the backup tier',
        seconds(status.lastSnapshotAt === null ? null : now() - status.lastSnapshotAt),
      ),
      gauge(
        'flowgento_backup_failing',
        '1 while the last backup attempt failed',
        status.lastError ? 1 : 0,
      ),
    ];
  };
}
