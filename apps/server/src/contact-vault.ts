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

/** A vault copier, and which of its runs last reached the backup tier. */
export type VaultCopier = (() => Promise<void>) & {
  /** Runs started so far. */
  started(): number;
  /** The number of the last run that succeeded (0: none), and its mark. */
  copied(): { run: number; mark: string | undefined };
};

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
}): VaultCopier {
  let started = 0;
  let copied: { run: number; mark: string | undefined } = { run: 0, mark: undefined };
  const run = async () => {
    const number = (started += 1);
    let key: Buffer | undefined;
    try {
      // Read before the bytes: a key made meanwhile is in them, or the
      // next mark differs and the vault is copied again.
      const mark = input.vault.changeMark();
      key = input.appliance.backupKeys.current().key;
      const { objects, providers } = input.tier();
      await uploadContactVault({
        tier: objects,
        providers,
        backupKey: key,
        installationId: input.appliance.state.installationId,
        bytes: input.vault.bytes(),
      });
      if (number > copied.run) copied = { run: number, mark };
    } catch (error) {
      input.logger.warn({ err: error }, 'contact vault not copied to the backup tier');
    } finally {
      key?.fill(0);
    }
  };
  return Object.assign(run, { started: () => started, copied: () => copied });
}

/**
 * What the backup engine awaits before it uploads a snapshot or segments:
 * a copy of the vault in the backup tier holding every contact key made so
 * far. A segment holds frames committed before it was cut, and a contact's
 * key is committed to the vault before that contact's first row, so the
 * segment never reaches the tier before the key that opens it (without
 * this, a machine lost within the keeper's interval left messages that no
 * restore could read). Throws when the copy failed: the engine keeps the
 * segments spooled and retries, as for a provider outage.
 */
export function vaultBarrier(input: {
  vault: ContactVault;
  copier: Pick<VaultCopier, 'started' | 'copied'>;
  backUp: () => Promise<void>;
}): () => Promise<void> {
  return async () => {
    if (input.vault.isEmpty()) return;
    if (input.vault.changeMark() === input.copier.copied().mark) return;
    const before = input.copier.started();
    // Resolves once a copy that started after this call has run.
    await input.backUp();
    if (input.copier.copied().run <= before) {
      throw new AppError(
        'UPSTREAM_FAILED',
        'The contact vault could not be copied to the backup tier, so changes ' +
          'sealed with its newest keys wait in the spool',
        { reason: 'contact_vault_not_copied' },
      );
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
