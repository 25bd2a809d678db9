import type { BackupServices } from '@flowgento/api';
import type { AuditLog } from '@flowgento/audit';
import {
  BackupScheduleSettings,
  RecoveryKits,
  type BackupStatusSource,
} from '@flowgento/backup';
import { readKeyFile } from '@flowgento/crypto';
import { localFolderFor } from '@flowgento/storage';
import type { OpenedAppliance } from './appliance.ts';
import type { ApplianceConfig } from './config.ts';

/**
 * The backup key, schedule and recovery kit of an opened appliance, for the
 * API and the CLI alike. `status` is the running backup engine, or null
 * while none is wired: the Backups screen then says backups are not running.
 */
export function backupServicesOf(
  appliance: OpenedAppliance,
  config: ApplianceConfig,
  audit: AuditLog,
  status: BackupStatusSource | null,
): BackupServices {
  const schedule = new BackupScheduleSettings(appliance.store, audit);
  const keyFilePath = appliance.keyFilePath;
  const kits = new RecoveryKits(appliance.store, appliance.backupKeys, schedule, audit, {
    installationId: appliance.state.installationId,
    keyMode: appliance.state.keySetup.mode,
    // Read when a kit is made, not kept in memory between kits.
    // A copy: the kit wipes the buffer it is given once written out.
    readRootKey: () =>
      appliance.handedOverRootKey
        ? Buffer.from(appliance.handedOverRootKey)
        : keyFilePath
          ? readKeyFile(keyFilePath)
          : null,
    localBackupFolder: localFolderFor(config.dataDir, 'backup'),
  });
  return { schedule, kits, keys: appliance.backupKeys, status };
}
