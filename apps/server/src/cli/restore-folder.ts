import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AuditLog } from '@flowgento/audit';
import {
  downloadContactVault,
  readManifest,
  restoreBackup,
  type RestoreReport,
} from '@flowgento/backup';
import { AppError, plural, type Logger } from '@flowgento/core';
import {
  defaultKeyFilePath,
  deriveSubkey,
  resolveRootKey,
  type KeySetup,
} from '@flowgento/crypto';
import {
  BACKUP_CHECKPOINT_FILE,
  CONTACT_VAULT_FILE,
  ContactVault,
  appendCheckpoint,
  checkpointLines,
  holdsSealedValues,
  readCheckpoints,
  type ContactVaultKeys,
} from '@flowgento/store';
import {
  StorageProviderSettings,
  StorageRouting,
  type TierProviders,
} from '@flowgento/storage';
import { openAppliance, type OpenedAppliance } from '../appliance.ts';
import { dataPaths, writeApplianceState } from '../appliance-state.ts';
import type { ApplianceConfig } from '../config.ts';
import { contactVaultKeys } from '../contact-vault.ts';
import { CLI_ACTOR } from './context.ts';
import { say } from './output.ts';
import { ledgerReapply } from './restore-reapply.ts';
import { placeStaged } from './restore-new-machine.ts';
import { restoreSourceFrom, type RestoreSource } from './restore-source.ts';

type Values = Record<string, string | boolean | undefined>;

/**
 * `restore --from <folder>`: a `flowgento backup` folder into a data folder
 * without a database. The folder never carries the contact vault (an old
 * vault would bring destroyed keys back), so the newest one is fetched from
 * the backup tier, as `restore --to` does: from `--source` (a copy of the
 * backup folder, or s3), else from the tier the backup's own settings name.
 * A data folder that still has its vault keeps it. When the backup holds
 * sealed texts and no vault can be had, the restore is refused and says
 * what is missing: its texts and names would read as erased, and erasures
 * made since the backup could not be re-applied. All work happens in a
 * staging folder; a refusal leaves the data folder as it was.
 */
export async function restoreFromFolder(input: {
  config: ApplianceConfig;
  logger: Logger;
  fromDir: string;
  values: Values;
}): Promise<number> {
  const { config, logger, fromDir } = input;
  const dataDir = config.dataDir;
  const manifest = readManifest(fromDir);
  if (existsSync(dataPaths(dataDir).database)) {
    throw new AppError(
      'CONFLICT',
      `${dataDir} already holds a database; restore into a new folder`,
      { reason: 'restore_target_not_empty' },
    );
  }
  const source = typeof input.values['source'] === 'string' ? input.values : undefined;
  const keySetup = manifest.keySetup as KeySetup;
  const keyFilePath = config.keyFile ?? defaultKeyFilePath(manifest.installationId);
  const { rootKey } = await resolveRootKey({
    existing: keySetup,
    keyFilePath,
    passphrase: process.env['FLOWGENTO_DB_PASSPHRASE'],
  });
  const dbKey = deriveSubkey(rootKey, 'database', manifest.installationId);
  rootKey.fill(0);

  const madeDataDir = !existsSync(dataDir);
  const staging = join(dataDir, `.restore-${randomBytes(6).toString('hex')}`);
  const staged = { ...config, dataDir: staging };
  const tier = source ? restoreSourceFrom(source) : undefined;
  let placed = false;
  // The last steps (moving into place, done) are said only once the folder
  // is placed: the vault and ledger checks that follow may still refuse.
  const lastSteps: string[] = [];
  try {
    const report = await restoreBackup({
      fromDir,
      dataDir: staging,
      dbKey,
      onProgress: (step, done, total) => {
        const line = `  [${done}/${total}] ${step}`;
        if (done < total - 1) say(line);
        else lastSteps.push(line);
      },
    });
    writeApplianceState(staging, {
      format: 1,
      installationId: manifest.installationId,
      createdAt: manifest.createdAt,
      keySetup,
    });
    const kept = existsSync(join(dataDir, CONTACT_VAULT_FILE));
    const vaultKeys = await fetchVault({ staged, logger, dataDir, tier, kept });
    const vault = ContactVault.open(
      join(kept ? dataDir : staging, CONTACT_VAULT_FILE),
      vaultKeys,
    );
    const reapplied = await ledgerReapply(vault)(
      dataPaths(staging).database,
      dbKey,
    ).finally(() => vault.close());
    const chain = await recordRestored({ staged, logger, fromDir, dataDir, manifest });
    placeStaged(staging, dataDir);
    placed = true;
    for (const line of lastSteps) say(line);

    sayRestored(dataDir, report, chain);
    say(
      kept
        ? `  contact vault: kept the one in ${dataDir}`
        : `  contact vault: the newest from ${tier?.where ?? "the backup's backup tier"}`,
    );
    say(
      `  erasure ledger re-applied: ${plural(reapplied.erasures, 'contact')} erased again`,
    );
    return 0;
  } finally {
    tier?.close();
    rmSync(staging, { recursive: true, force: true });
    if (!placed && madeDataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Puts the newest vault of the backup tier in the staging folder (unless
 * the data folder keeps its own) and returns the vault's keys; refuses
 * when sealed values would be left without it.
 */
async function fetchVault(input: {
  staged: ApplianceConfig;
  logger: Logger;
  dataDir: string;
  tier: RestoreSource | undefined;
  kept: boolean;
}): Promise<ContactVaultKeys> {
  const appliance = await openAppliance(input.staged, input.logger, undefined, {
    mustExist: true,
  });
  try {
    if (input.kept) return contactVaultKeys(appliance);
    const where = input.tier?.where ?? "the backup tier the backup's settings name";
    let bytes: Buffer | undefined;
    let cause: unknown;
    try {
      bytes = await downloadContactVault({
        providers: input.tier?.providers ?? backupTierOf(appliance, input),
        backupKey: appliance.backupKeys.current().key,
        installationId: appliance.state.installationId,
      });
    } catch (error) {
      cause = error;
    }
    if (bytes) {
      ContactVault.place(join(input.staged.dataDir, CONTACT_VAULT_FILE), bytes);
    } else if (cause !== undefined || holdsSealedValues(appliance.store.db)) {
      throw vaultMissing(where, cause);
    }
    return contactVaultKeys(appliance);
  } finally {
    appliance.store.close();
  }
}

/** The backup tier as the restored settings name it, local folders in the data folder. */
function backupTierOf(
  appliance: OpenedAppliance,
  input: { logger: Logger; dataDir: string },
): TierProviders {
  return new StorageRouting(
    appliance.store,
    new StorageProviderSettings(appliance.store, appliance.keyRing, input.logger),
    new AuditLog(appliance.store),
    input.dataDir,
  );
}

function vaultMissing(where: string, cause: unknown): AppError {
  const why =
    cause instanceof Error
      ? `could not be fetched from ${where}: ${cause.message}`
      : `is not in ${where}`;
  return new AppError(
    'PRECONDITION_FAILED',
    `This backup holds texts sealed with contact keys, and the contact vault ` +
      `(${CONTACT_VAULT_FILE}, kept in the backup tier, never in a backup folder) ${why}. ` +
      'Without it those texts and names would read as erased and erasures made ' +
      'since the backup could not be re-applied, so nothing was restored. Give ' +
      '--source <a copy of the backup folder (backup-objects)> or --source s3 with the ' +
      'bucket flags (see --help).',
    { reason: 'contact_vault_missing', cause },
  );
}

/** The restored log carries on from the backup's checkpoint, and says it was restored. */
async function recordRestored(input: {
  staged: ApplianceConfig;
  logger: Logger;
  fromDir: string;
  dataDir: string;
  manifest: RestoreReport['manifest'];
}): Promise<string> {
  const { manifest } = input;
  const { checkpoints, unreadable } = readCheckpoints([
    join(input.fromDir, BACKUP_CHECKPOINT_FILE),
  ]);
  // Never skipped in silence: a mangled checkpoint is a sign of tampering.
  for (const place of unreadable) say(`  Not a checkpoint (damaged or edited): ${place}`);
  const checkpointPath = dataPaths(input.staged.dataDir).auditCheckpoints;
  // A data folder's own checkpoint file goes on (it is moved back in).
  const existing = dataPaths(input.dataDir).auditCheckpoints;
  if (existsSync(existing)) copyFileSync(existing, checkpointPath);
  for (const checkpoint of checkpoints) appendCheckpoint(checkpointPath, checkpoint);
  const appliance = await openAppliance(input.staged, input.logger, undefined, {
    mustExist: true,
  });
  try {
    const audit = new AuditLog(appliance.store);
    const chain = audit.verify(checkpoints).summary;
    appliance.store.transaction(() =>
      audit.record({
        workspaceId: null,
        ...CLI_ACTOR,
        action: 'backup.restored',
        details: {
          backupCreatedAt: manifest.createdAt,
          sha256: manifest.sha256,
          auditHeadSeq: checkpoints[0]?.headSeq ?? null,
          // This folder's checkpoint file starts here.
          checkpointLines: checkpointLines(checkpointPath),
        },
      }),
    );
    const head = audit.checkpoint();
    if (head) appendCheckpoint(checkpointPath, head);
    return chain;
  } finally {
    appliance.store.close();
  }
}

function sayRestored(dataDir: string, report: RestoreReport, chain: string): void {
  say(`Restored into ${dataDir}`);
  say('  integrity_check: ok');
  say(`  ${chain}`);
  if (report.manifest.files.length > 0) {
    say(`  restored: ${report.manifest.files.map((f) => f.name).join(', ')}`);
  }
  say(
    `  rows: ${Object.entries(report.rowCounts)
      .map(([t, n]) => `${t}=${n}`)
      .join(', ')}`,
  );
}
