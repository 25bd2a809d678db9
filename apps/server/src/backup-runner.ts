import { BackupEngine, type BackupSchedule } from '@flowgento/backup';
import type { AuditLog } from '@flowgento/audit';
import type { Logger } from '@flowgento/core';
import { OrderedTierStore, type TierProviders } from '@flowgento/storage';
import type { OpenedAppliance } from './appliance.ts';
import { dataPaths } from './appliance-state.ts';

const SYSTEM = {
  actor: { type: 'system', label: 'backup' },
  origin: { ip: null, userAgent: null },
} as const;

/**
 * What continuous backup takes from whoever starts the appliance. The key
 * comes from the appliance's backup key service and the schedule from its
 * settings; tests may give their own.
 */
export interface BackupSettings {
  /** The backup key: neither the database key nor a media key. */
  key?: Buffer;
  schedule?: BackupSchedule;
  /** Bytes of a snapshot read for upload so far (for a progress display). */
  onSnapshotProgress?: (done: number, total: number) => void;
}

/**
 * Starts continuous backup of the running appliance to its backup tier,
 * recording each snapshot (and a failed upload, once per outage) in the
 * appliance's audit log.
 */
export function startBackupEngine(input: {
  dataDir: string;
  appliance: OpenedAppliance;
  routing: TierProviders;
  audit: AuditLog;
  settings: BackupSettings;
  /** The schedule as the operator set it, read each time it is needed. */
  schedule: () => BackupSchedule;
  logger: Logger;
  /** Awaited before each upload: the contact vault's copy (`vaultBarrier`). */
  beforeUpload?: () => Promise<void>;
}): BackupEngine {
  const { appliance, audit } = input;
  const record = (entry: Parameters<AuditLog['record']>[0]) => {
    try {
      appliance.store.transaction(() => audit.record(entry));
    } catch (error) {
      input.logger.error({ err: error }, 'backup audit entry could not be written');
    }
  };
  return new BackupEngine({
    databasePath: dataPaths(input.dataDir).database,
    databaseKey: appliance.databaseKey,
    backupKey: input.settings.key ?? appliance.backupKeys.current().key,
    installationId: appliance.state.installationId,
    keySetup: appliance.state.keySetup,
    dataDir: input.dataDir,
    // Not the failover store: it records every copy in the database, and a
    // row written per shipped segment would itself be shipped, for ever.
    // The backup tier's listing across its providers is the catalogue.
    tier: new OrderedTierStore(input.routing),
    providers: input.routing,
    schedule: () => input.settings.schedule ?? input.schedule(),
    logger: input.logger,
    onSnapshotProgress: input.settings.onSnapshotProgress,
    beforeUpload: input.beforeUpload,
    onEvent: (event) => {
      if (event.type === 'snapshot.completed') {
        const m = event.manifest;
        record({
          workspaceId: null,
          ...SYSTEM,
          action: 'backup.snapshot_completed',
          details: {
            generation: m.generation,
            baseSequence: m.baseSequence,
            snapshotAt: new Date(m.atMs).toISOString(),
            bytes: m.bytes,
            sealedBytes: m.sealed.size,
          },
        });
      } else {
        record({
          workspaceId: null,
          ...SYSTEM,
          action: 'backup.snapshot_failed',
          details: { reason: event.reason },
        });
      }
    },
  });
}
