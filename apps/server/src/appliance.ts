import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { AppError, type Clock, type Logger } from '@flowgento/core';
import { defaultKeyFilePath, resolveRootKey } from '@flowgento/crypto';
import { BackupKeys } from '@flowgento/backup';
import { KeyRing } from '@flowgento/messaging';
import {
  migrate,
  openEncryptedDatabase,
  Store,
  type Db,
  type FolderLock,
} from '@flowgento/store';
import type { ApplianceConfig } from './config.ts';
import {
  dataPaths,
  readApplianceState,
  writeApplianceState,
  type ApplianceState,
} from './appliance-state.ts';
import { openInterruptedRekey } from './keys/rekey-recovery.ts';
import { finishRekey, undoRekey } from './keys/rekey.ts';
import { subkeysOf, type Subkeys } from './keys/subkeys.ts';

export interface OpenedAppliance extends Subkeys {
  state: ApplianceState;
  /**
   * Opened without the folder lock, so the appliance may be running beside
   * it: this connection never checkpoints the log. The running backup
   * engine is its only checkpointer; a checkpoint here would copy frames it
   * never read into the file, and it would start a new generation (a full
   * snapshot) after every command.
   */
  besideRunning: boolean;
  store: Store;
  /** Seals and opens stored secrets; use it, never the secrets key directly. */
  keyRing: KeyRing;
  /** The key off-site backups are sealed with (sealed by the key ring). */
  backupKeys: BackupKeys;
  keyFilePath: string | null;
  /** The root key the desktop app handed over, when it did (kept for the recovery kit). */
  handedOverRootKey: Buffer | null;
  created: boolean;
}

export interface OpenOptions {
  mustExist?: boolean;
  /** Overrides FLOWGENTO_DB_PASSPHRASE (tests). */
  passphrase?: string;
  /** Overrides FLOWGENTO_NEW_DB_PASSPHRASE, used only to finish an interrupted rekey. */
  newPassphrase?: string;
  manualCheckpoints?: boolean;
  /** A root key handed over by the desktop app (`serve --key-fd`), instead of the key file. */
  rootKey?: Buffer;
  /** `passphrase` was handed over by the desktop app: refusals say so, not the variable. */
  passphraseFromDesktop?: boolean;
  /**
   * Proof that this process holds the data folder alone. Without it an
   * interrupted rekey is reported, not repaired: repairing it while another
   * process may be mid-rekey would break both. Without it, too, this
   * connection never checkpoints (see `besideRunning`).
   */
  folderLock?: FolderLock;
}

/**
 * Opens the data folder: finds or makes the root key, proves it against the
 * stored check, opens the encrypted database with its subkey and migrates.
 * Nothing in the data folder is written before the key is proven.
 */
export async function openAppliance(
  config: ApplianceConfig,
  logger: Logger,
  clock?: Clock,
  options: OpenOptions = {},
): Promise<OpenedAppliance> {
  const paths = dataPaths(config.dataDir);
  const existing = readApplianceState(config.dataDir);
  if (!existing && options.mustExist) {
    throw new AppError(
      'NOT_FOUND',
      `No appliance data in ${config.dataDir}; start it once with \`npm start\``,
    );
  }
  if (!existing && existsSync(paths.database)) {
    throw new AppError(
      'KEY_REJECTED',
      `${paths.database} exists but ${paths.state} is missing, so its key cannot be found. ` +
        'Restore appliance.json from a backup.',
    );
  }
  const installationId = existing?.installationId ?? randomUUID();
  const keyFilePath = config.keyFile ?? defaultKeyFilePath(installationId);
  const passphrase = options.passphrase ?? process.env['FLOWGENTO_DB_PASSPHRASE'];

  const besideRunning = !options.folderLock;
  const autoCheckpoint = !options.manualCheckpoints && !besideRunning;
  let opened: { rootKey: Buffer; db: Db; created: boolean };
  let state: ApplianceState;
  let rekeyOutcome: 'finish' | 'undo' | undefined;
  if (existing?.pendingKeySetup) {
    if (!options.folderLock || options.rootKey) throw rekeyPending(config.dataDir);
    const recovered = await openInterruptedRekey({
      state: existing,
      keyFilePath,
      databasePath: paths.database,
      passphrases: [
        passphrase,
        options.newPassphrase ?? process.env['FLOWGENTO_NEW_DB_PASSPHRASE'],
      ],
      autoCheckpoint,
    });
    opened = { rootKey: recovered.rootKey, db: recovered.db, created: false };
    rekeyOutcome = recovered.outcome;
    state = existing;
  } else {
    const { rootKey, setup, created } = await resolveRootKey({
      existing: existing?.keySetup,
      keyFilePath,
      passphrase,
      handedOverRootKey: options.rootKey,
      passphraseFrom: options.passphraseFromDesktop ? 'desktop-app' : 'environment',
    });
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    state = existing ?? {
      format: 1,
      installationId,
      createdAt: new Date().toISOString(),
      keySetup: setup,
    };
    const db = openEncryptedDatabase({
      path: paths.database,
      key: subkeysOf(rootKey, installationId).databaseKey,
      autoCheckpoint,
    });
    opened = { rootKey, db, created };
  }

  const keys = subkeysOf(opened.rootKey, installationId);
  const store = new Store(opened.db, clock, { checkpointOnClose: !besideRunning });
  const applied = migrate(opened.db);
  if (opened.created) writeApplianceState(config.dataDir, state);
  if (rekeyOutcome) {
    const place = { dataDir: config.dataDir, keyFilePath };
    state =
      rekeyOutcome === 'finish'
        ? finishRekey(store, place, state, { type: 'system', label: 'rekey recovery' })
        : undoRekey(store, place, state);
    logger.warn(
      { outcome: rekeyOutcome },
      rekeyOutcome === 'finish'
        ? 'an interrupted database rekey was finished: the new key is now in use'
        : 'an interrupted database rekey was undone: the previous key is still in use',
    );
  }
  const keyRing = new KeyRing(store, keys.secretsKey);
  const ring = keyRing.prepare();
  // New appliances, and the first open of one made before backups had a key.
  const backupKeys = new BackupKeys(store, keyRing);
  const backupKey = backupKeys.ensure();
  logger.info(
    {
      dataDir: config.dataDir,
      keyMode: state.keySetup.mode,
      keyFile: state.keySetup.mode === 'file' && !options.rootKey ? keyFilePath : null,
      keyHandedOver: options.rootKey !== undefined,
      migrationsApplied: applied,
      masterKeyCreated: ring.created,
      legacyBlobsResealed: ring.upgraded,
      backupKeyCreated: backupKey.created,
      backupKeyFingerprint: backupKey.fingerprint,
    },
    opened.created
      ? 'created a new encrypted data folder'
      : 'opened the encrypted data folder',
  );

  return {
    state,
    besideRunning,
    store,
    keyRing,
    backupKeys,
    keyFilePath: state.keySetup.mode === 'file' && !options.rootKey ? keyFilePath : null,
    handedOverRootKey: options.rootKey ?? null,
    ...keys,
    created: opened.created,
  };
}

function rekeyPending(dataDir: string): AppError {
  return new AppError(
    'PRECONDITION_FAILED',
    `A database rekey of ${dataDir} was interrupted. Start the appliance ` +
      '(flowgento serve) once: it finishes or undoes the switch.',
    { reason: 'rekey_pending' },
  );
}
