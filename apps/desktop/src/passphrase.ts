// The passphrase path: when there is no real keychain, or the admin chose it.
// The key is derived from the passphrase (scrypt, in the server's own code)
// at every start and stored nowhere.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAppError } from '@flowgento/core';
import { resolveRootKey, type KeySetup } from '@flowgento/crypto';

export { checkNewPassphrase } from './passphrase-rules.ts';

/** The non-secret key setup the server recorded in the data folder, if any. */
export function recordedKeySetup(dataDir: string): KeySetup | undefined {
  const path = join(dataDir, 'appliance.json');
  if (!existsSync(path)) return undefined;
  const state = JSON.parse(readFileSync(path, 'utf8')) as { keySetup?: KeySetup };
  return state.keySetup;
}

/**
 * Whether the data folder already holds an appliance, and how it is keyed:
 * appliance.json's key setup, or 'unknown' when only its database is left
 * (flowgento.db or its -wal), or appliance.json holds no key setup. Any of
 * these means a new key must never be made: it would not open the data.
 */
export function existingAppliance(
  dataDir: string,
): KeySetup['mode'] | 'unknown' | undefined {
  const setup = recordedKeySetup(dataDir);
  if (setup) return setup.mode;
  const traces = ['appliance.json', 'flowgento.db', 'flowgento.db-wal'];
  return traces.some((name) => existsSync(join(dataDir, name))) ? 'unknown' : undefined;
}

/**
 * Whether `passphrase` opens the appliance in `dataDir`, checked with the
 * same derivation and key check the server uses, before the server starts:
 * a typo then costs one more prompt, not a failed start.
 */
export async function passphraseOpens(
  dataDir: string,
  passphrase: string,
): Promise<boolean> {
  const setup = recordedKeySetup(dataDir);
  if (!setup) return true; // first run: the server sets it up with this one
  try {
    const { rootKey } = await resolveRootKey({
      existing: setup,
      keyFilePath: '',
      passphrase,
      // A refusal then names the unlock window, not FLOWGENTO_DB_PASSPHRASE.
      passphraseFrom: 'desktop-app',
    });
    rootKey.fill(0);
    return true;
  } catch (error) {
    if (isAppError(error) && error.reason === 'passphrase_mismatch') return false;
    throw error;
  }
}
