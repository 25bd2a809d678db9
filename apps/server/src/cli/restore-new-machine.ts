import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import {
  downloadContactVault,
  restoreToTime,
  type SnapshotManifest,
} from '@flowgento/backup';
import { AppError, type Logger } from '@flowgento/core';
import { defaultKeyFilePath, deriveSubkey, resolveRootKey } from '@flowgento/crypto';
import { CONTACT_VAULT_FILE, ContactVault, lockDataFolder } from '@flowgento/store';
import { dataPaths, writeApplianceState } from '../appliance-state.ts';
import type { ApplianceConfig } from '../config.ts';
import { say } from './output.ts';
import { backupKeyRequired } from './restore-key.ts';
import {
  progressBars,
  recordRestore,
  sayRestored,
  verifyChain,
} from './restore-report.ts';
import { ledgerReapply } from './restore-reapply.ts';
import { restoreSourceFrom, type RestoreSource } from './restore-source.ts';

type Values = Record<string, string | boolean | undefined>;

/** Flags that only make sense where no appliance lives yet. */
export const NEW_MACHINE_FLAGS = ['installation-id', 'source'] as const;

// As appliance.json and key file names allow: the id names the key file.
const INSTALLATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A restore on a new machine: the data folder holds no appliance, so the
 * kit supplies what the appliance would (backup key, installation id) and
 * the operator says where the backup tier is. The database key is derived
 * from the root key exactly as `openAppliance` does, with the key setup the
 * snapshot's manifest carries. All work happens in a staging folder; the
 * data folder gets the database and then `appliance.json` only once the
 * restore has verified and its audit entry is written, and a failure
 * leaves it as it was (a folder made for the restore is removed).
 */
export async function restoreOnNewMachine(input: {
  config: ApplianceConfig;
  logger: Logger;
  at: number;
  into: string | undefined;
  swap: boolean;
  backupKey: Buffer | undefined;
  values: Values;
}): Promise<number> {
  const { config, logger, at, values } = input;
  const dataDir = config.dataDir;
  refuseLiveOnlyFlags(input);
  if (existsSync(dataPaths(dataDir).database)) {
    throw new AppError(
      'CONFLICT',
      `${dataDir} already holds a database (without appliance.json): restore ` +
        'into an empty data folder',
      { reason: 'restore_target_not_empty' },
    );
  }
  if (!input.backupKey) throw backupKeyRequired();
  const installationId = installationIdOf(values);
  const keyFilePath = config.keyFile ?? defaultKeyFilePath(installationId);
  const source = restoreSourceFrom(values);

  const madeDataDir = !existsSync(dataDir);
  const lock = lockDataFolder(dataDir, 'restore');
  const staging = join(dataDir, `.restore-${randomBytes(6).toString('hex')}`);
  let placed = false;
  try {
    let databaseKey: Buffer | undefined;
    let keySetup: SnapshotManifest['keySetup'] | undefined;
    // The current erasure ledger, never an old one: the restore erases
    // again whoever the restored point still holds (and the appliance's
    // start does, as a second line). The vault is keyed from the backup key
    // an appliance makes once, the one its kit carries.
    const vault = await stageVault(staging, source, input.backupKey, installationId);
    const report = await restoreToTime({
      providers: source.providers,
      tier: source.tier,
      backupKey: input.backupKey,
      databaseKey: async (manifest) => {
        // The manifest says how the root key is made; the key itself comes
        // from the key file or passphrase, proven against the stored check.
        const { rootKey } = await resolveRootKey({
          existing: manifest.keySetup,
          keyFilePath,
          passphrase: process.env['FLOWGENTO_DB_PASSPHRASE'],
        });
        keySetup = manifest.keySetup;
        databaseKey = deriveSubkey(rootKey, 'database', installationId);
        rootKey.fill(0);
        return databaseKey;
      },
      installationId,
      at,
      intoDir: staging,
      onProgress: progressBars(),
      beforeVerify: ledgerReapply(vault),
    }).finally(() => vault.close());
    const chain = verifyChain(report.path, databaseKey!);
    writeApplianceState(staging, {
      format: 1,
      installationId,
      createdAt: new Date().toISOString(),
      keySetup: keySetup!,
    });
    await recordRestore({ ...config, dataDir: staging }, logger, lock, at, report, {
      onto: 'new machine',
      source: source.where,
      // The new folder's checkpoint file starts with the restored head alone.
      checkpointLines: 1,
    });
    placeStaged(staging, dataDir);
    placed = true;

    sayRestored(at, report, chain);
    say(`  into the data folder ${dataDir}, ready to start`);
    say(
      `  start it with the same ${keySetup!.mode === 'file' ? `key file (${keyFilePath})` : 'FLOWGENTO_DB_PASSPHRASE'}`,
    );
    return 0;
  } finally {
    source.close();
    lock.release();
    rmSync(staging, { recursive: true, force: true });
    if (!placed && madeDataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The newest vault of the backup tier, put in the staging folder and opened
 * (none when the appliance never made one: then the ledger is empty).
 */
async function stageVault(
  staging: string,
  source: RestoreSource,
  backupKey: Buffer,
  installationId: string,
): Promise<ContactVault> {
  const bytes = await downloadContactVault({
    providers: source.providers,
    backupKey,
    installationId,
  });
  const path = join(staging, CONTACT_VAULT_FILE);
  if (bytes) {
    mkdirSync(staging, { recursive: true, mode: 0o700 });
    ContactVault.place(path, bytes);
  }
  return ContactVault.open(path, backupKey);
}

/**
 * Moves the staged files into the data folder: the database first and
 * `appliance.json` last, so that a crash between them leaves a database the
 * appliance refuses to open (it says appliance.json is missing) rather
 * than a state file beside no database, which would start an empty one. A
 * folder that is there already (`tls`) takes the staged files in.
 */
export function placeStaged(staging: string, dataDir: string): void {
  const state = 'appliance.json';
  const all = readdirSync(staging);
  const names = all.filter((name) => name !== state);
  names.sort((a, b) => Number(b === 'flowgento.db') - Number(a === 'flowgento.db'));
  if (all.includes(state)) names.push(state);
  for (const name of names) {
    const from = join(staging, name);
    const to = join(dataDir, name);
    if (statSync(from).isDirectory() && existsSync(to)) placeStaged(from, to);
    else renameSync(from, to);
  }
}

function installationIdOf(values: Values): string {
  const id = values['installation-id'];
  if (typeof id !== 'string' || !INSTALLATION_ID.test(id)) {
    throw new AppError(
      'INVALID_INPUT',
      'This data folder holds no appliance: give --installation-id as the ' +
        'recovery kit shows it (Installation)',
      { reason: 'installation_id_invalid' },
    );
  }
  return id;
}

function refuseLiveOnlyFlags(input: { swap: boolean; into: string | undefined }): void {
  const flag = input.swap ? 'swap' : input.into !== undefined ? 'into' : undefined;
  if (!flag) return;
  throw new AppError(
    'INVALID_INPUT',
    `--${flag} needs a data folder that holds an appliance; on a new machine ` +
      'the restore goes into the empty --data-dir itself',
    { reason: 'restore_new_machine_flag' },
  );
}
