import { join } from 'node:path';
import { uploadContactVault } from '@flowgento/backup';
import { AppError, type Logger } from '@flowgento/core';
import type { TierProviders, TierStore } from '@flowgento/storage';
import {
  CONTACT_VAULT_FILE,
  ContactVault,
  type ContactVaultKeys,
} from '@flowgento/store';
import type { OpenedAppliance } from './appliance.ts';

/**
 * Opens the contact vault beside the database (see `ContactVault`), keyed
 * from the appliance's first backup key: that one never changes, and a
 * restore from the recovery kit brings it back, so the vault still opens.
 */
export function openContactVault(
  appliance: Pick<OpenedAppliance, 'store' | 'backupKeys'>,
  dataDir: string,
): ContactVault {
  return ContactVault.open(contactVaultPath(dataDir), contactVaultKeys(appliance));
}

export const contactVaultPath = (dataDir: string) => join(dataDir, CONTACT_VAULT_FILE);

/** The vault's subkeys, from the appliance's first backup key. */
export function contactVaultKeys(
  appliance: Pick<OpenedAppliance, 'store' | 'backupKeys'>,
): ContactVaultKeys {
  const [first] = appliance.store.backupSettings.keys();
  if (!first) {
    throw new AppError('INTERNAL', 'This appliance has no backup key yet', {
      reason: 'backup_key_missing',
    });
  }
  const { key } = appliance.backupKeys.byFingerprint(first.fingerprint);
  try {
    return ContactVault.keysFrom(key);
  } finally {
    key.fill(0);
  }
}

/**
 * Copies the vault to the backup tier after each change, so a restore on a
 * new machine gets the current ledger. A failure is logged, never thrown: the
 * erasure stands, and the next change uploads again.
 */
export function vaultBackup(input: {
  vault: ContactVault;
  appliance: Pick<OpenedAppliance, 'backupKeys' | 'state'>;
  tier: () => { objects: Pick<TierStore, 'put' | 'delete'>; providers: TierProviders };
  logger: Logger;
}): () => Promise<void> {
  return async () => {
    let key: Buffer | undefined;
    try {
      key = input.appliance.backupKeys.current().key;
      const { objects, providers } = input.tier();
      await uploadContactVault({
        tier: objects,
        providers,
        backupKey: key,
        installationId: input.appliance.state.installationId,
        bytes: input.vault.bytes(),
      });
    } catch (error) {
      input.logger.warn({ err: error }, 'contact vault not copied to the backup tier');
    } finally {
      key?.fill(0);
    }
  };
}

/**
 * Runs `run` now, or once more right after the run in progress: changes
 * that arrive during an upload are carried by the next one.
 */
export function coalesced(
  run: () => Promise<void>,
): (() => Promise<void>) & { settled: () => Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      await run();
    } while (again);
    running = null;
  };
  const start = () => {
    if (running) again = true;
    else running = loop();
    return running;
  };
  // The upload in progress, if any: awaited before the appliance closes.
  return Object.assign(start, { settled: () => running ?? Promise.resolve() });
}

/**
 * Copies the vault to the backup tier when a new contact key made it
 * change: every `everyMs`, and at close. Not on each key, which would write
 * object locations behind every request that made one.
 */
export function startVaultKeeper(input: {
  vault: ContactVault;
  backUp: ReturnType<typeof coalesced>;
  everyMs?: number;
}): { close(): Promise<void> } {
  let dirty = false;
  input.vault.onChange = () => {
    dirty = true;
  };
  const copyIfChanged = () => {
    if (!dirty) return Promise.resolve();
    dirty = false;
    return input.backUp();
  };
  const timer = setInterval(() => void copyIfChanged(), input.everyMs ?? 30_000);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      input.vault.onChange = () => undefined;
      await copyIfChanged();
      await input.backUp.settled();
    },
  };
}
