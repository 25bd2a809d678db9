import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;
// One getrandom call per 512 ids instead of one per id, as randomUUID does.
const POOL_BYTES = 16 * 512;
let pool = Buffer.alloc(0);
let poolOffset = POOL_BYTES;

function randomSixteen(): Buffer {
  if (poolOffset >= POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const bytes = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return bytes;
}

/**
 * A new row id: a version 7 UUID, ordered by creation time. Ordered keys make
 * index inserts land on the same few pages, which matters twice over in an
 * encrypted database where every page written is encrypted and authenticated.
 * The time in an id is no secret: each row also stores when it was created.
 */
export function newId(): string {
  const now = Date.now();
  sequence = now === lastMs ? (sequence + 1) & 0xfff : 0;
  lastMs = now;
  const bytes = randomSixteen();
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `bytes` random bytes as base64url, for tokens and codes shown once. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
