import { createHash } from 'node:crypto';
import { AppError } from '@flowgento/core';

/**
 * How a 32-byte key is written on paper and typed back: Crockford base32
 * (no I, L, O or U, so nothing reads as another character) in groups of
 * four, followed by a checksum group. 52 characters carry the key, 4 more
 * carry 20 bits of its SHA-256: a mistyped character is caught with odds
 * of a million to one before any restore is tried with a wrong key.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const KEY_BYTES = 32;
const KEY_CHARS = Math.ceil((KEY_BYTES * 8) / 5);
const CHECK_CHARS = 4;
const GROUP = 4;

/** Reasons `parseKitKey` refuses with, for the restore CLI to tell apart. */
export const KIT_KEY_REASONS = {
  malformed: 'kit_key_malformed',
  checksum: 'kit_key_checksum_mismatch',
} as const;

/** `7K3M-Q9TB-…`: the key and its checksum, 14 groups of four. */
export function formatKitKey(key: Buffer): string {
  if (key.length !== KEY_BYTES) {
    throw new AppError('INTERNAL', 'A kit key is 32 bytes', { reason: 'kit_key_size' });
  }
  const text = toBase32(key) + checksumOf(key);
  return text.match(/.{1,4}/g)!.join('-');
}

/**
 * The key written by `formatKitKey`, as a person typed it back: case,
 * spaces, hyphens and line breaks do not matter, and O, I and L are read as
 * 0, 1 and 1. Refuses with INVALID_INPUT: `kit_key_malformed` when it has
 * the wrong length or a character outside the alphabet, and
 * `kit_key_checksum_mismatch` when a character was mistyped.
 */
export function parseKitKey(text: string): Buffer {
  const compact = text
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  const bad = [...compact].find((char) => !ALPHABET.includes(char));
  if (bad !== undefined) {
    throw malformed(`"${bad}" is not a character of the kit's alphabet`);
  }
  if (compact.length !== KEY_CHARS + CHECK_CHARS) {
    throw malformed(
      `it has ${compact.length} characters; the kit shows ${KEY_CHARS + CHECK_CHARS} ` +
        `(${(KEY_CHARS + CHECK_CHARS) / GROUP} groups of ${GROUP})`,
    );
  }
  const key = fromBase32(compact.slice(0, KEY_CHARS));
  if (key === null || checksumOf(key) !== compact.slice(KEY_CHARS)) {
    throw new AppError(
      'INVALID_INPUT',
      'The key does not match its checksum (the last group): a character was ' +
        'mistyped or a group was left out. Compare it with the kit group by group.',
      { reason: KIT_KEY_REASONS.checksum },
    );
  }
  return key;
}

function malformed(why: string): AppError {
  return new AppError('INVALID_INPUT', `The key is not in the kit's format: ${why}`, {
    reason: KIT_KEY_REASONS.malformed,
  });
}

// Domain-separated, so this checksum is no fingerprint of the key elsewhere.
function checksumOf(key: Buffer): string {
  const digest = createHash('sha256').update('flowgento kit checksum\0').update(key);
  return toBase32(digest.digest()).slice(0, CHECK_CHARS);
}

function toBase32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** The 32 bytes back, or null when the padding bits are not zero (a typo). */
function fromBase32(text: string): Buffer | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    value = ((value << 5) | ALPHABET.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  if ((value & ((1 << bits) - 1)) !== 0) return null;
  return Buffer.from(out.slice(0, KEY_BYTES));
}
