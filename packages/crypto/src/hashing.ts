import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of `data` (strings as UTF-8). */
export function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** SHA-256 of `data` (strings as UTF-8), as lowercase hex. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Compares two strings in time that depends on neither their content nor their
 * lengths. `timingSafeEqual` alone throws on a length mismatch, which would
 * leak the length of the secret, so both sides are hashed to 32 bytes first.
 */
export function timingSafeEqualText(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** The byte-string sibling of `timingSafeEqualText`, for keys and digests. */
export function timingSafeEqualBytes(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
