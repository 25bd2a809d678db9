import { readdirSync, rmdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuditLog } from '@flowgento/audit';
import { restoreToTime, swapInRestored, type PointInTimeReport } from '@flowgento/backup';
import { AppError, type Logger } from '@flowgento/core';
import { lockDataFolder, rewindCheckpoints, type FolderLock } from '@flowgento/store';
import {
  OrderedTierStore,
  StorageProviderSettings,
  StorageRouting,
} from '@flowgento/storage';
import { openAppliance } from '../appliance.ts';
import { dataPaths, readApplianceState } from '../appliance-state.ts';
import type { ApplianceConfig } from '../config.ts';
import { openContactVault } from '../contact-vault.ts';
import { say } from './output.ts';
import { ledgerReapply } from './restore-reapply.ts';
import { backupKeyFromFlags, type BackupKeyFlags } from './restore-key.ts';
import { restoreOnNewMachine, NEW_MACHINE_FLAGS } from './restore-new-machine.ts';
import {
  progressBars,
  recordRestore,
  sayRestored,
  verifyChain,
} from './restore-report.ts';

type Values = Record<string, string | boolean | undefined>;

/**
 * `restore --to <time>`: rebuilds the database as it was at that instant
 * from the backup tier, into a new folder, verifies it, and swaps it in
 * only with `--swap` (the appliance stopped). A data folder without an
 * appliance is a new machine: see `restore-new-machine.ts`.
 */
export async function restoreToTimeCommand(input: {
  config: ApplianceConfig;
  logger: Logger;
  to: string;
  into: string | undefined;
  swap: boolean;
  keyFlags: BackupKeyFlags;
  values: Values;
}): Promise<number> {
  const { config, logger } = input;
  const at = parseTime(input.to);
  // Checked before anything opens: a typo in the kit key changes nothing.
  const givenKey = backupKeyFromFlags(input.keyFlags);
  if (!readApplianceState(config.dataDir)) {
    return restoreOnNewMachine({ ...input, at, backupKey: givenKey });
  }
  const stray = NEW_MACHINE_FLAGS.find((flag) => input.values[flag] !== undefined);
  if (stray) {
    throw new AppError(
      'INVALID_INPUT',
      `${config.dataDir} holds an appliance, whose own backup tier and installation ` +
        `are used: --${stray} is only for a new machine's empty data folder`,
      { reason: 'restore_new_machine_flag' },
    );
  }
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
    // This data folder's vault is the current ledger, whatever the point.
    const vault = openContactVault(appliance, config.dataDir);
    try {
      const routing = new StorageRouting(
        appliance.store,
        new StorageProviderSettings(appliance.store, appliance.keyRing, logger),
        new AuditLog(appliance.store),
        config.dataDir,
      );
      report = await restoreToTime({
        providers: routing,
        tier: new OrderedTierStore(routing),
        // Without a kit key or key file: the key this appliance seals with.
        backupKey: givenKey ?? appliance.backupKeys.current().key,
        databaseKey: appliance.databaseKey,
        installationId: appliance.state.installationId,
        at,
        intoDir,
        onProgress: progressBars(),
        beforeVerify: ledgerReapply(vault),
      });
    } finally {
      vault.close();
      appliance.store.close();
    }
    sayRestored(at, report, verifyChain(report.path, appliance.databaseKey));

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
    // The folder this command made for the restore is empty once its file
    // is swapped in; one the admin named with --into is theirs to keep.
    if (input.into === undefined && readdirSync(intoDir).length === 0) {
      rmdirSync(intoDir);
    }
    // Checkpoints taken after the restored time describe the replaced
    // history: kept aside as evidence, or the restored log would look rewritten.
    const checkpoints = dataPaths(config.dataDir).auditCheckpoints;
    const kept = rewindCheckpoints(
      checkpoints,
      report.reachedMs,
      `${checkpoints}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    );
    await recordRestore(config, logger, lock, at, report, {
      checkpointLines: kept + 1,
    });
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
