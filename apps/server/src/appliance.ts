import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { AppError, type Clock, type Logger } from '@flowgento/core';
import { defaultKeyFilePath, deriveSubkey, resolveRootKey } from '@flowgento/crypto';
import { migrate, openEncryptedDatabase, Store } from '@flowgento/store';
import type { ApplianceConfig } from './config.ts';
import {
  dataPaths,
  readApplianceState,
  writeApplianceState,
  type ApplianceState,
} from './appliance-state.ts';

export interface OpenedAppliance {
  state: ApplianceState;
  store: Store;
  keyFilePath: string | null;
  databaseKey: Buffer;
  secretsKey: Buffer;
  tlsKey: Buffer;
  backupKey: Buffer;
  created: boolean;
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
  options: { mustExist?: boolean; passphrase?: string; manualCheckpoints?: boolean } = {},
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
  const { rootKey, setup, created } = await resolveRootKey({
    existing: existing?.keySetup,
    keyFilePath,
    passphrase,
  });

  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const state: ApplianceState = existing ?? {
    format: 1,
    installationId,
    createdAt: new Date().toISOString(),
    keySetup: setup,
  };
  const databaseKey = deriveSubkey(rootKey, 'database', installationId);
  const db = openEncryptedDatabase({
    path: paths.database,
    key: databaseKey,
    autoCheckpoint: !options.manualCheckpoints,
  });
  const applied = migrate(db);
  if (created) writeApplianceState(config.dataDir, state);
  logger.info(
    {
      dataDir: config.dataDir,
      keyMode: setup.mode,
      keyFile: setup.mode === 'file' ? keyFilePath : null,
      migrationsApplied: applied,
    },
    created ? 'created a new encrypted data folder' : 'opened the encrypted data folder',
  );

  return {
    state,
    store: new Store(db, clock),
    keyFilePath: setup.mode === 'file' ? keyFilePath : null,
    databaseKey,
    secretsKey: deriveSubkey(rootKey, 'secrets', installationId),
    tlsKey: deriveSubkey(rootKey, 'tls', installationId),
    backupKey: deriveSubkey(rootKey, 'backup', installationId),
    created,
  };
}
