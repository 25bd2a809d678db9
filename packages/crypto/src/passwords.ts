import { randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '@flowgento/core';
import { isPowerOfTwo, scryptAsync, type ScryptCost } from './scrypt.ts';

/**
 * Member passwords, hashed with scrypt and stored as
 * `scrypt$<log2 N>$<r>$<p>$<salt base64>$<hash base64>` so that the cost can
 * be raised later without breaking hashes already stored.
 */
const LOG2_N = 15;
const COST: ScryptCost = { N: 2 ** LOG2_N, r: 8, p: 1 };
const SALT_BYTES = 16;
const HASH_BYTES = 32;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

// Bounds on what a stored hash may ask for, so a damaged row cannot make
// verification allocate gigabytes or spin for minutes.
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;
const STRICT_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Hashes a password for storage; check it with `validateNewPassword` first. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(normalize(password), salt, HASH_BYTES, COST);
  const params = `${LOG2_N}$${COST.r}$${COST.p}`;
  return `scrypt$${params}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * True when `password` matches `encoded`. Returns false, never throws, for a
 * malformed encoding, so a damaged row reads as a failed sign-in.
 */
export async function verifyPassword(
  password: string,
  encoded: string,
): Promise<boolean> {
  if (typeof password !== 'string') return false;
  const stored = parseEncoded(encoded);
  if (!stored) return false;
  try {
    const { salt, hash, cost } = stored;
    const candidate = await scryptAsync(normalize(password), salt, hash.length, cost);
    return timingSafeEqual(candidate, hash);
  } catch {
    return false;
  }
}

/** Refuses a new password that breaks a length rule, naming the rule. */
export function validateNewPassword(password: string): void {
  const length = [...normalize(password)].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new AppError(
      'INVALID_INPUT',
      `The password must be at least ${PASSWORD_MIN_LENGTH} characters long`,
      { reason: 'password_too_short', details: { field: 'password' } },
    );
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new AppError(
      'INVALID_INPUT',
      `The password must be at most ${PASSWORD_MAX_LENGTH} characters long`,
      { reason: 'password_too_long', details: { field: 'password' } },
    );
  }
}

/**
 * NFKC, as NIST SP 800-63B suggests, so the same password typed on another
 * keyboard or operating system (composed vs decomposed accents) still matches.
 */
function normalize(password: string): string {
  return password.normalize('NFKC');
}

interface StoredHash {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

function parseEncoded(encoded: unknown): StoredHash | undefined {
  if (typeof encoded !== 'string') return undefined;
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;

  const [log2N, r, p] = parts.slice(1, 4).map(parseSmallInt);
  const [saltText = '', hashText = ''] = parts.slice(4);
  if (log2N === undefined || r === undefined || p === undefined) return undefined;
  if (log2N < 1 || log2N > MAX_LOG2_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) {
    return undefined;
  }
  const N = 2 ** log2N;
  if (!isPowerOfTwo(N)) return undefined;

  if (!STRICT_BASE64.test(saltText) || !STRICT_BASE64.test(hashText)) return undefined;
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length < 8 || hash.length < 16 || hash.length > 64) return undefined;
  return { cost: { N, r, p }, salt, hash };
}

function parseSmallInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^[1-9][0-9]{0,2}$/.test(text)) return undefined;
  return Number(text);
}
