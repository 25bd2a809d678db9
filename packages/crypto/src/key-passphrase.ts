import { randomBytes } from 'node:crypto';
import { AppError } from '@flowgento/core';
import type { KdfSetup } from './key-setup.ts';
import { ROOT_KEY_BYTES } from './key-file.ts';
import { scryptAsync, type ScryptCost } from './scrypt.ts';

/**
 * The root key derived from an operator's passphrase (FLOWGENTO_DB_PASSPHRASE)
 * instead of a key file. scrypt at N = 2^17 costs about a third of a second
 * and 128 MiB per guess, paid once per start.
 */
export const PASSPHRASE_MIN_LENGTH = 12;
const CREATION_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const SALT_BYTES = 16;

/** First start: a fresh salt and the key it yields. The passphrase is never echoed. */
export async function createPassphraseKey(
  passphrase: string,
): Promise<{ rootKey: Buffer; kdf: KdfSetup }> {
  const normalized = normalize(passphrase);
  if ([...normalized].length < PASSPHRASE_MIN_LENGTH) {
    throw new AppError(
      'INVALID_INPUT',
      `The database passphrase (FLOWGENTO_DB_PASSPHRASE) must be at least ` +
        `${PASSPHRASE_MIN_LENGTH} characters long`,
      { reason: 'passphrase_too_short' },
    );
  }
  const salt = randomBytes(SALT_BYTES);
  const rootKey = await scryptAsync(normalized, salt, ROOT_KEY_BYTES, CREATION_COST);
  return {
    rootKey,
    kdf: { name: 'scrypt', ...CREATION_COST, salt: salt.toString('base64') },
  };
}

/** Later starts: the key for `passphrase` under the stored, validated parameters. */
export function derivePassphraseKey(passphrase: string, kdf: KdfSetup): Promise<Buffer> {
  const salt = Buffer.from(kdf.salt, 'base64');
  const cost: ScryptCost = { N: kdf.N, r: kdf.r, p: kdf.p };
  return scryptAsync(normalize(passphrase), salt, ROOT_KEY_BYTES, cost);
}

/**
 * NFKC, so the same passphrase typed on another system (composed vs
 * decomposed accents) yields the same key.
 */
function normalize(passphrase: string): string {
  return passphrase.normalize('NFKC');
}
