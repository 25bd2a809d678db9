import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuditLog } from '@flowgento/audit';
import { restoreToTime, swapInRestored, type PointInTimeReport } from '@flowgento/backup';
import { AppError, type Logger } from '@flowgento/core';
import {
  appendCheckpoint,
  lockDataFolder,
  openEncryptedDatabase,
  Store,
  type FolderLock,
} from '@flowgento/store';
import {
  OrderedTierStore,
  StorageProviderSettings,
  StorageRouting,
} from '@flowgento/storage';
import { openAppliance } from '../appliance.ts';
import { dataPaths } from '../appliance-state.ts';
import type { ApplianceConfig } from '../config.ts';
import { CLI_ACTOR } from './context.ts';
import { say } from './output.ts';
import { Progress } from './progress.ts';

/**
 * `restore --to <time>`: rebuilds the database as it was at that instant
 * from the backup tier, into a new folder, verifies it, and swaps it in
 * only with `--swap` (the appliance stopped).
 */
export async function restoreToTimeCommand(input: {
  config: ApplianceConfig;
  logger: Logger;
  to: string;
  into: string | undefined;
  swap: boolean;
  backupKeyFile: string | undefined;
}): Promise<number> {
  const { config, logger } = input;
  const at = parseTime(input.to);
  const backupKey = readBackupKey(input.backupKeyFile);
  const intoDir = resolve(
    input.into ??
      join(config.dataDir, `restore-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  );
  // --swap replaces the live file: only with the appliance stopped.
  const lock: FolderLock | undefined = input.swap
    ? lockDataFolder(config.dataDir, 'restore --swap')
    : undefined;
  try {
    const appliance = await openAppliance(config, logger, undefined, {
      mustExist: true,
      folderLock: lock,
      // A running appliance's backup engine must be the only checkpointer.
      manualCheckpoints: true,
    });
    let report: PointInTimeReport;
    try {
      const audit = new AuditLog(appliance.store);
      const routing = new StorageRouting(
        appliance.store,
        new StorageProviderSettings(appliance.store, appliance.keyRing, logger),
        audit,
        config.dataDir,
      );
      const bars = new Map<string, Progress>();
      report = await restoreToTime({
        providers: routing,
        tier: new OrderedTierStore(routing),
        backupKey,
        databaseKey: appliance.databaseKey,
        installationId: appliance.state.installationId,
        at,
        intoDir,
        onProgress: (step, done, total) => {
          const unit = step.includes('bytes') ? 'bytes' : 'segments';
          let bar = bars.get(step);
          if (!bar)
            bars.set(
              step,
              (bar = new Progress(step, total, process.stderr, Date.now, unit)),
            );
          if (done >= total) bar.end(done);
          else bar.update(done);
        },
      });
    } finally {
      appliance.store.close();
    }
    const chain = verifyChain(report.path, appliance.databaseKey);

    say(`Restored the database as it was at ${new Date(at).toISOString()}`);
    say(`  latest change replayed: ${new Date(report.reachedMs).toISOString()}`);
    say(
      `  from the snapshot of ${new Date(report.manifest.atMs).toISOString()} ` +
        `and ${report.segments} segment(s), ${report.commits} commit(s)`,
    );
    say('  integrity_check: ok');
    say(`  ${chain}`);
    say(
      `  rows: ${Object.entries(report.rowCounts)
        .map(([t, n]) => `${t}=${n}`)
        .join(', ')}`,
    );

    if (!input.swap) {
      say(
        `  into ${report.path} (the live database is unchanged; --swap puts it in place)`,
      );
      return 0;
    }
    const database = dataPaths(config.dataDir).database;
    const { asidePath } = swapInRestored({
      databasePath: database,
      restoredPath: report.path,
      now: Date.now(),
    });
    await recordRestore(config, logger, lock, at, report);
    say(`  swapped in at ${database}`);
    if (asidePath)
      say(`  the previous database (and any -wal, -shm) moved to ${asidePath}`);
    return 0;
  } finally {
    lock?.release();
  }
}

function parseTime(text: string): number {
  const at = Date.parse(text);
  if (!/^\d{4}-\d\d-\d\dT/.test(text) || Number.isNaN(at)) {
    throw new AppError(
      'INVALID_INPUT',
      `--to must be an ISO time such as 2026-01-31T14:05:00Z, not "${text}"`,
      {
        reason: 'restore_time_invalid',
      },
    );
  }
  return at;
}

/**
 * TODO(#5): the backup key service and recovery kit supply this key; until
 * then it is read from a file of 64 hex characters given with --backup-key-file.
 */
function readBackupKey(path: string | undefined): Buffer {
  const fail = () =>
    new AppError(
      'INVALID_INPUT',
      '--backup-key-file must name a file holding the 32-byte backup key as 64 hex characters',
      {
        reason: 'backup_key_invalid',
      },
    );
  if (!path) throw fail();
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    throw fail();
  }
  if (!/^[0-9a-f]{64}$/i.test(text)) throw fail();
  return Buffer.from(text, 'hex');
}

/** The restored log checked with the project's verifier. */
function verifyChain(path: string, key: Buffer): string {
  const db = openEncryptedDatabase({ path, key, mustExist: true, readonly: true });
  try {
    return new AuditLog(new Store(db)).verify().summary;
  } finally {
    db.close();
  }
}

/** The swapped-in log says it was restored, to when, and by whom. */
async function recordRestore(
  config: ApplianceConfig,
  logger: Logger,
  lock: FolderLock | undefined,
  at: number,
  report: PointInTimeReport,
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
        },
      }),
    );
    const head = audit.checkpoint();
    if (head) appendCheckpoint(dataPaths(config.dataDir).auditCheckpoints, head);
  } finally {
    appliance.store.close();
  }
}
