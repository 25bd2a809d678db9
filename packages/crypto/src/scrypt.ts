import { scrypt } from 'node:crypto';

/** scrypt's cost: CPU/memory cost N (a power of two), block size r, parallelism p. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * Runs scrypt on libuv's thread pool so a slow derivation never blocks the
 * event loop. Node refuses any run that needs more than `maxmem` (32 MiB by
 * default, too little even for N = 2^15), and scrypt needs about 128·N·r
 * bytes, so twice that is allowed: 256 MiB for N = 2^17, 64 MiB for N = 2^15.
 */
export function scryptAsync(
  secret: string | Buffer,
  salt: Buffer,
  keyLength: number,
  cost: ScryptCost,
): Promise<Buffer> {
  const maxmem = 2 * 128 * cost.N * cost.r;
  return new Promise((resolve, reject) => {
    // Bad parameters throw synchronously; inside the executor that is a rejection.
    scrypt(secret, salt, keyLength, { ...cost, maxmem }, (error, derived) => {
      if (error) reject(error);
      else resolve(derived);
    });
  });
}

/** True when `n` is a power of two, as scrypt requires of N. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 1 && (n & (n - 1)) === 0;
}
