import { existsSync } from 'node:fs';
import { AuditLog } from '@flowgento/audit';
import { AppError } from '@flowgento/core';
import { defaultKeyFilePath } from '@flowgento/crypto';
import { lockDataFolder, type FolderLock } from '@flowgento/store';
import { openAppliance, type OpenedAppliance } from '../appliance.ts';
import { dataPaths, type ApplianceState } from '../appliance-state.ts';
import type { ApplianceConfig } from '../config.ts';
import { rekeyDatabase } from '../keys/rekey.ts';
import type { Command, CommandGroup } from './commands.ts';
import { CLI_ACTOR, cliContext } from './context.ts';
import { say } from './output.ts';

const STOPPED_FIRST =
  'The appliance must be stopped first: the command refuses to run while it holds the data folder.';

const rotate: Command = {
  summary: 'Make a new master key and rewrap every stored secret under it',
  details: [
    'Reseals every stored secret (WhatsApp access tokens, app secrets, verify tokens)',
    'under a new master key in one transaction, retires the old master key and erases',
    'it, and writes a keys.rotated audit entry. Use it on a schedule, or when a master',
    'key may have been exposed. The database key and the key file do not change.',
    STOPPED_FIRST,
  ],
  options: {},
  async run(values) {
    return withLockedAppliance(values, 'keys rotate', (appliance) => {
      const result = appliance.store.transaction(() => {
        const rotated = appliance.keyRing.rotate();
        new AuditLog(appliance.store).record({
          workspaceId: null,
          ...CLI_ACTOR,
          action: 'keys.rotated',
          details: {
            activeKeyId: rotated.activeKeyId,
            retiredKeyIds: rotated.retiredKeyIds.join(','),
            secrets: rotated.rewrapped,
          },
        });
        return rotated;
      });
      say(`Rotated the master key: ${result.rewrapped} secrets resealed.`);
      say(`  active key  ${result.activeKeyId}`);
      for (const id of result.retiredKeyIds) say(`  retired     ${id}`);
      return Promise.resolve(0);
    });
  },
};

const rekeyDatabaseCommand: Command = {
  summary: 'Change the database key (new key file, or a new passphrase)',
  details: [
    'Re-encrypts the database under a new root key and rewraps everything bound to',
    'the old one: the key ring, the TLS private keys and the stored key check.',
    'Key-file mode: a new key file replaces the old one at the same path.',
    'Passphrase mode: set FLOWGENTO_DB_PASSPHRASE to the current passphrase and',
    'FLOWGENTO_NEW_DB_PASSPHRASE to the new one.',
    'If it is interrupted, the next start opens the database with whichever key it',
    'holds and finishes or undoes the switch. Backups made before the rekey open only',
    'with the previous key: keep a copy of it with them.',
    STOPPED_FIRST,
  ],
  options: {},
  async run(values) {
    const holder = 'keys rekey-database';
    return withLockedAppliance(values, holder, async (appliance, config, lock) => {
      const keyFilePath =
        config.keyFile ?? defaultKeyFilePath(appliance.state.installationId);
      let state: ApplianceState;
      try {
        state = await rekeyDatabase(
          appliance,
          { dataDir: config.dataDir, keyFilePath },
          process.env['FLOWGENTO_NEW_DB_PASSPHRASE'],
          dataPaths(config.dataDir).database,
          CLI_ACTOR.actor,
        );
      } catch (error) {
        // Put the folder in order now (reopening it finishes or undoes the
        // switch) rather than leave that to the next start.
        await repairAfterFailure(config, lock);
        throw error;
      }
      say('The database key was changed and verified (integrity_check: ok).');
      say(
        state.keySetup.mode === 'file'
          ? `  new key file  ${keyFilePath} (back it up now; the old key is gone)`
          : '  from now on, start with FLOWGENTO_DB_PASSPHRASE set to the new passphrase',
      );
      return 0;
    });
  },
};

export const keys: CommandGroup = {
  summary: 'Rotate the master key of stored secrets, or change the database key',
  subcommands: { rotate, 'rekey-database': rekeyDatabaseCommand },
};

/**
 * Opens the data folder under its lock, so the appliance cannot be running
 * (or start) meanwhile, runs `action`, and releases everything.
 */
async function withLockedAppliance(
  values: Record<string, string | boolean | undefined>,
  holder: string,
  action: (
    appliance: OpenedAppliance,
    config: ApplianceConfig,
    lock: FolderLock,
  ) => Promise<number>,
): Promise<number> {
  const { config, logger } = cliContext(values);
  // Checked before locking, which would create the folder.
  if (!existsSync(dataPaths(config.dataDir).state)) {
    throw new AppError('NOT_FOUND', `No appliance data in ${config.dataDir}`);
  }
  const folderLock = lockDataFolder(config.dataDir, holder);
  try {
    const appliance = await openAppliance(config, logger, undefined, {
      mustExist: true,
      folderLock,
    });
    try {
      return await action(appliance, config, folderLock);
    } finally {
      appliance.store.close();
    }
  } finally {
    folderLock.release();
  }
}

async function repairAfterFailure(config: ApplianceConfig, folderLock: FolderLock) {
  const { logger } = cliContext({ 'data-dir': config.dataDir });
  try {
    const repaired = await openAppliance(config, logger, undefined, {
      mustExist: true,
      folderLock,
    });
    repaired.store.close();
  } catch {
    // The next start tries again and reports what stops it.
  }
}
