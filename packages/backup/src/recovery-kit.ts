import type { AuditLog } from '@flowgento/audit';
import { AppError } from '@flowgento/core';
import type { Store } from '@flowgento/store';
import { assertApplianceWide } from './appliance-scope.ts';
import type { BackupKeys } from './backup-keys.ts';
import { formatKitKey } from './kit-key.ts';
import { restoreSteps } from './kit-instructions.ts';
import type { BackupSchedule } from './schedule.ts';
import type { BackupScheduleSettings, ScheduleActing } from './schedule-settings.ts';

/** A provider of the backup tier as the kit names it: never its secret key. */
export interface KitProvider {
  name: string;
  kind: 'local' | 's3';
  /** The S3 endpoint, or the folder of the built-in local disk. */
  location: string;
  bucket: string | null;
  region: string | null;
}

/** Everything a restore on a new machine needs, printed once and kept safe. */
export interface RecoveryKit {
  createdAt: number;
  installationId: string;
  keyMode: 'file' | 'passphrase';
  /** The backup key in the kit's grouped, checksummed form (`parseKitKey`). */
  backupKey: { text: string; fingerprint: string };
  /** Key-file mode: the key file's 64 hex characters, in groups of eight. */
  rootKey: { hex: string } | null;
  backupTier: KitProvider[];
  schedule: BackupSchedule;
  restoreSteps: string[];
}

/** What the kit says about the appliance, from the server that opened it. */
export interface KitFacts {
  installationId: string;
  keyMode: 'file' | 'passphrase';
  /** Reads the root key (key-file mode); null in passphrase mode. */
  readRootKey: () => Buffer | null;
  /** The built-in local disk's backup folder. */
  localBackupFolder: string;
}

/**
 * Builds the OWNER's recovery kit. Every kit handed out is written down
 * (`backup.kit_viewed`) in a transaction that must commit before the keys
 * leave: a kit that cannot be audited is not shown.
 */
export class RecoveryKits {
  constructor(
    private readonly store: Store,
    private readonly keys: BackupKeys,
    private readonly schedules: BackupScheduleSettings,
    private readonly audit: AuditLog,
    private readonly facts: KitFacts,
  ) {}

  /** The kit, for an OWNER (the API checks the role) or the operator (CLI). */
  issue(acting: ScheduleActing, via: 'web' | 'cli'): RecoveryKit {
    assertApplianceWide(this.store, acting.workspaceId);
    const backupKey = this.keys.current();
    const rootKey = this.facts.keyMode === 'file' ? this.facts.readRootKey() : null;
    if (this.facts.keyMode === 'file' && !rootKey) {
      throw new AppError('INTERNAL', 'The root key could not be read for the kit', {
        reason: 'kit_root_key_unreadable',
      });
    }
    const kit: RecoveryKit = {
      createdAt: this.store.clock.now(),
      installationId: this.facts.installationId,
      keyMode: this.facts.keyMode,
      backupKey: {
        text: formatKitKey(backupKey.key),
        fingerprint: backupKey.fingerprint,
      },
      rootKey: rootKey && { hex: rootKey.toString('hex').match(/.{8}/g)!.join(' ') },
      backupTier: this.backupTier(),
      schedule: this.schedules.current(),
      restoreSteps: restoreSteps(this.facts),
    };
    backupKey.key.fill(0);
    rootKey?.fill(0);
    this.store.transaction(() =>
      this.audit.record({
        workspaceId: acting.workspaceId,
        actor: acting.actor,
        origin: acting.origin,
        action: 'backup.kit_viewed',
        details: {
          via,
          keyFingerprint: kit.backupKey.fingerprint,
          includesRootKey: kit.rootKey !== null,
        },
      }),
    );
    return kit;
  }

  /** The appliance-wide backup tier: saved providers, or the local disk. */
  private backupTier(): KitProvider[] {
    const ids = this.store.storageTiers.defaults().backup ?? [null];
    return ids.map((id) => {
      const record = id === null ? undefined : this.store.storageProviders.get(id);
      if (!record) {
        return {
          name: 'local',
          kind: 'local',
          location: this.facts.localBackupFolder,
          bucket: null,
          region: null,
        };
      }
      return {
        name: record.name,
        kind: 's3',
        location: record.endpoint,
        bucket: record.bucket,
        region: record.region,
      };
    });
  }
}
