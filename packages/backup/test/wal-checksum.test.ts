import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { walChecksum } from '../src/wal/wal-format.ts';

/** SQLite's definition, word by word: what the word-view fast path must match. */
function reference(bytes: Buffer, bigEndian: boolean, start: [number, number]) {
  let [s1, s2] = start;
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    const a = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
    const b = bigEndian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4);
    s1 = (s1 + a + s2) >>> 0;
    s2 = (s2 + b + s1) >>> 0;
  }
  return [s1, s2];
}

describe('the WAL checksum', () => {
  it('sums aligned and unaligned bytes, in either byte order, as SQLite does', () => {
    const page = randomBytes(4096 + 24);
    const start: [number, number] = [0xdeadbeef, 0x12345678];
    // At an odd offset the word view cannot be used: the plain reader runs.
    const unaligned = Buffer.alloc(page.length + 1).subarray(1);
    page.copy(unaligned);
    for (const bigEndian of [false, true]) {
      const expected = reference(page, bigEndian, start);
      expect(walChecksum(page.subarray(0, 4096), bigEndian, start)).toEqual(
        reference(page.subarray(0, 4096), bigEndian, start),
      );
      expect(walChecksum(page, bigEndian, start)).toEqual(expected);
      expect(walChecksum(unaligned, bigEndian, start)).toEqual(expected);
    }
  });
});
