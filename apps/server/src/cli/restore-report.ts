import { AuditLog } from '@flowgento/audit';
import type { PointInTimeReport, RestoreProgress } from '@flowgento/backup';
import { plural, type Logger } from '@flowgento/core';
import {
  appendCheckpoint,
  openEncryptedDatabase,
  removeIdleSideFiles,
  Store,
  type FolderLock,
} from '@flowgento/store';
import { openAppliance } from '../appliance.ts';
import { dataPaths } from '../appliance-state.ts';
import type { ApplianceConfig } from '../config.ts';
import { CLI_ACTOR } from './context.ts';
import { say } from './output.ts';
import { Progress } from './progress.ts';

/** Progress bars on stderr, one per step of the restore. */
export function progressBars(): RestoreProgress {
  const bars = new Map<string, Progress>();
  return (step, done, total) => {
    const unit = step.includes('bytes') ? 'bytes' : 'segments';
    let bar = bars.get(step);
    if (!bar)
      bars.set(step, (bar = new Progress(step, total, process.stderr, Date.now, unit)));
    if (done >= total) bar.end(done);
    else bar.update(done);
  };
}

/** The restored log checked with the project's verifier. */
export function verifyChain(path: string, key: Buffer): string {
  const db = openEncryptedDatabase({ path, key, mustExist: true, readonly: true });
  try {
    return new AuditLog(new Store(db)).verify().summary;
  } finally {
    db.close();
    // A restored file nothing serves yet: the read-only check's empty log goes.
    removeIdleSideFiles(path);
  }
}

/** What the operator reads after a restore: what was replayed and checked. */
export function sayRestored(at: number, report: PointInTimeReport, chain: string): void {
  say(`Restored the database as it was at ${new Date(at).toISOString()}`);
  say(`  latest change replayed: ${new Date(report.reachedMs).toISOString()}`);
  say(
    `  from the snapshot of ${new Date(report.manifest.atMs).toISOString()} ` +
      `and ${plural(report.segments, 'segment')}, ${plural(report.commits, 'commit')}`,
  );
  if (report.reapplied) {
    const { erasures, rowChanges } = report.reapplied;
    const changed = Object.entries(rowChanges).filter(([, n]) => n !== 0);
    say(
      `  erasure ledger re-applied: ${plural(erasures, 'contact')} erased again` +
        (changed.length > 0
          ? ` (rows ${changed.map(([t, n]) => `${t} ${n > 0 ? '+' : ''}${n}`).join(', ')})`
          : ''),
    );
  }
  say('  integrity_check: ok');
  say(`  ${chain}`);
  say(
    `  rows: ${Object.entries(report.rowCounts)
      .map(([t, n]) => `${t}=${n}`)
      .join(', ')}`,
  );
}

/** The restored log says it was restored, to when, and by whom. */
export async function recordRestore(
  config: ApplianceConfig,
  logger: Logger,
  lock: FolderLock | undefined,
  at: number,
  report: PointInTimeReport,
  extra: Record<string, string | number> = {},
): Promise<void> {
  const appliance = await openAppliance(config, logger, undefined, {
    mustExist: true,
    folderLock: lock,
  });
  try {
    const audit = new AuditLog(appliance.store);
    appliance.store.transaction(() =>
      audit.record({
        workspaceId: null,
        ...CLI_ACTOR,
        action: 'backup.restored_to_time',
        details: {
          restoredTo: new Date(at).toISOString(),
          reachedAt: new Date(report.reachedMs).toISOString(),
          generation: report.manifest.generation,
          snapshotAt: new Date(report.manifest.atMs).toISOString(),
          segments: report.segments,
          ...extra,
        },
      }),
    );
    const head = audit.checkpoint();
    if (head) appendCheckpoint(dataPaths(config.dataDir).auditCheckpoints, head);
  } finally {
    appliance.store.close();
  }
}
