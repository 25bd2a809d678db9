import { createHmac } from 'node:crypto';
import { AppError } from '@flowgento/core';
import { timingSafeEqualBytes } from './hashing.ts';
import { isPowerOfTwo } from './scrypt.ts';

/** How a passphrase becomes the root key; stored so later starts derive the same key. */
export interface KdfSetup {
  name: 'scrypt';
  N: number;
  r: number;
  p: number;
  /** base64 */
  salt: string;
}

/**
 * How this appliance obtains its root key. Not secret: the caller persists it
 * in the data folder's appliance.json.
 */
export interface KeySetup {
  mode: 'file' | 'passphrase';
  kdf?: KdfSetup;
  /**
   * Hex of the first 16 bytes of HMAC-SHA256(rootKey, 'flowgento key check v1').
   * It tells a wrong key apart from a damaged database before the database is
   * touched, and reveals nothing about the key.
   */
  check: string;
}

const CHECK_LABEL = 'flowgento key check v1';
const CHECK_BYTES = 16;
const CHECK_PATTERN = /^[0-9a-f]{32}$/;

// Bounds on stored scrypt parameters, so an edited appliance.json can neither
// make a start allocate gigabytes nor pass off a toy cost as a real one.
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;
const MAX_SCRYPT_BYTES = 2 ** 30;
const MIN_SALT_BYTES = 16;

export function keyCheck(rootKey: Buffer): string {
  const mac = createHmac('sha256', rootKey).update(CHECK_LABEL).digest();
  return mac.subarray(0, CHECK_BYTES).toString('hex');
}

/** Constant-time comparison of `rootKey`'s check value with the stored one. */
export function matchesKeyCheck(rootKey: Buffer, check: string): boolean {
  return timingSafeEqualBytes(Buffer.from(keyCheck(rootKey)), Buffer.from(check));
}

/** A stored setup once checked: passphrase mode is known to carry its parameters. */
export type CheckedKeySetup =
  { mode: 'file'; check: string } | { mode: 'passphrase'; kdf: KdfSetup; check: string };

/**
 * Refuses a stored setup that is not one this code could have written. It
 * comes from a JSON file on disk, so its shape is checked, not assumed.
 */
export function assertKeySetup(setup: KeySetup): CheckedKeySetup {
  if (setup.mode !== 'file' && setup.mode !== 'passphrase') {
    throw invalidSetup('its mode must be "file" or "passphrase"');
  }
  if (typeof setup.check !== 'string' || !CHECK_PATTERN.test(setup.check)) {
    throw invalidSetup('its key check must be 32 lowercase hexadecimal characters');
  }
  if (setup.mode === 'file') return { mode: 'file', check: setup.check };

  assertKdf(setup.kdf);
  return { mode: 'passphrase', kdf: setup.kdf, check: setup.check };
}

function assertKdf(kdf: KdfSetup | undefined): asserts kdf is KdfSetup {
  if (kdf?.name !== 'scrypt')
    throw invalidSetup('a passphrase setup needs scrypt parameters');

  const { N, r, p } = kdf;
  const integers = [N, r, p].every((n) => Number.isSafeInteger(n) && n >= 1);
  if (!integers || !isPowerOfTwo(N) || N < MIN_N || N > MAX_N) {
    throw invalidSetup('its scrypt N must be a power of two from 2^14 to 2^20');
  }
  if (r > 32 || p > 16 || 128 * N * r > MAX_SCRYPT_BYTES) {
    throw invalidSetup('its scrypt parameters exceed the allowed cost');
  }
  const salt =
    typeof kdf.salt === 'string' ? Buffer.from(kdf.salt, 'base64') : Buffer.alloc(0);
  if (salt.length < MIN_SALT_BYTES) throw invalidSetup('its scrypt salt is too short');
}

function invalidSetup(problem: string): AppError {
  return new AppError(
    'CONFIG_INVALID',
    `The key setup in appliance.json is invalid: ${problem}`,
    {
      reason: 'key_setup_invalid',
    },
  );
}
