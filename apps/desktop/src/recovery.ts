// Bringing back a root key from the recovery kit, when the keychain entry
// (key-storage.json) was lost but the data folder still holds the appliance.
import { isAppError } from '@flowgento/core';
import { resolveRootKey } from '@flowgento/crypto';
import { passphraseOpens, recordedKeySetup } from './passphrase.ts';

/**
 * The root key as printed in the kit (64 hex characters in groups of 8);
 * spaces and line breaks as typed are ignored. Null when it is not one.
 */
export function parseRootKeyText(text: string): Buffer | null {
  const hex = text.replace(/\s+/g, '');
  return /^[0-9a-fA-F]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
}

/**
 * Why `text` cannot be this appliance's root key, or null when it opens the
 * data folder, checked with the server's own key check before anything is
 * wrapped or written.
 */
export async function rootKeyProblem(
  dataDir: string,
  text: string,
): Promise<string | null> {
  const rootKey = parseRootKeyText(text);
  if (!rootKey) {
    return 'Type the DATABASE ROOT KEY from the recovery kit: 64 characters 0-9 and a-f.';
  }
  try {
    await resolveRootKey({
      existing: recordedKeySetup(dataDir),
      keyFilePath: '',
      passphrase: undefined,
      handedOverRootKey: rootKey,
    });
    return null;
  } catch (error) {
    if (isAppError(error) && error.reason === 'key_check_mismatch') {
      return 'That key does not open this appliance. Check it against the recovery kit.';
    }
    throw error;
  } finally {
    rootKey.fill(0);
  }
}

/**
 * What the wizard checks a typed secret with: the recovery kit's root key in
 * recover mode, else the passphrase. Null when it opens the data folder.
 */
export function unlockProblemFor(
  mode: 'unlock' | 'recover',
  dataDir: string,
): (secret: string) => Promise<string | null> {
  if (mode === 'recover') return (secret) => rootKeyProblem(dataDir, secret);
  return async (secret) =>
    (await passphraseOpens(dataDir, secret))
      ? null
      : 'That passphrase does not open this appliance. Try again.';
}
