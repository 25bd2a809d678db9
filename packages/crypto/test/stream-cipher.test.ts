import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptBytes,
  decryptStream,
  encryptBytes,
  encryptStream,
  newStreamKey,
  sealedSize,
  SizedSealer,
} from '../src/stream-cipher.ts';

const aad = 'media/object-1';
const chunkBytes = 1024;

async function collect(source: Readable, transform: NodeJS.ReadWriteStream) {
  const out: Buffer[] = [];
  await pipeline(source, transform, async (chunks: AsyncIterable<Buffer | string>) => {
    for await (const chunk of chunks) out.push(Buffer.from(chunk));
  });
  return Buffer.concat(out);
}

function pieces(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size)
    parts.push(bytes.subarray(at, at + size));
  return Readable.from(parts);
}

describe('sealed streams', () => {
  it.each([0, 1, 1023, 1024, 1025, 5 * 1024, 5 * 1024 + 7])(
    'round-trips %i bytes fed in odd pieces, at the size it predicts',
    async (length) => {
      const key = newStreamKey();
      const plain = randomBytes(length);
      const sealed = await collect(
        pieces(plain, 333),
        encryptStream(key, { aad, chunkBytes }),
      );
      expect(sealed.length).toBe(sealedSize(length, chunkBytes));
      expect(sealed.includes(plain.subarray(0, 16)) && length >= 16).toBe(false);
      const opened = await collect(pieces(sealed, 517), decryptStream(key, { aad }));
      expect(opened.equals(plain)).toBe(true);
      expect(
        decryptBytes(key, encryptBytes(key, plain, { aad, chunkBytes }), { aad }),
      ).toEqual(plain);
    },
  );

  const key = newStreamKey();
  const plain = randomBytes(4 * chunkBytes + 100);
  const sealed = encryptBytes(key, plain, { aad, chunkBytes });
  const sealedChunk = chunkBytes + 16;
  const header = 15;

  it.each([
    ['another key', () => decryptBytes(newStreamKey(), sealed, { aad })],
    ['another aad', () => decryptBytes(key, sealed, { aad: 'media/object-2' })],
    [
      'a flipped byte',
      () => {
        const bad = Buffer.from(sealed);
        bad.writeUInt8(bad.readUInt8(header + 10) ^ 1, header + 10);
        return decryptBytes(key, bad, { aad });
      },
    ],
    [
      'the last chunk cut off',
      () => decryptBytes(key, sealed.subarray(0, header + 4 * sealedChunk), { aad }),
    ],
    [
      'two chunks swapped',
      () => {
        const a = sealed.subarray(header, header + sealedChunk);
        const b = sealed.subarray(header + sealedChunk, header + 2 * sealedChunk);
        const bad = Buffer.concat([
          sealed.subarray(0, header),
          b,
          a,
          sealed.subarray(header + 2 * sealedChunk),
        ]);
        return decryptBytes(key, bad, { aad });
      },
    ],
    ['no header at all', () => decryptBytes(key, Buffer.from('FGS'), { aad })],
  ])('refuses %s', (_name, open) => {
    expect(open).toThrow(expect.objectContaining({ reason: 'sealed_stream_invalid' }));
  });

  it('emits no byte of a chunk whose tag fails', async () => {
    const bad = Buffer.from(sealed);
    bad.writeUInt8(bad.readUInt8(header + sealedChunk + 3) ^ 1, header + sealedChunk + 3);
    const out: Buffer[] = [];
    const opener = decryptStream(key, { aad });
    opener.on('data', (chunk: Buffer) => out.push(chunk));
    await expect(pipeline(pieces(bad, 4096), opener)).rejects.toMatchObject({
      reason: 'sealed_stream_invalid',
    });
    expect(Buffer.concat(out).equals(plain.subarray(0, chunkBytes))).toBe(true);
  });

  describe('with the length known up front', () => {
    /** Seals from one buffer that is overwritten after every chunk, as a file reader reuses it. */
    function sealReusing(plain: Buffer, size: number): Buffer {
      const sealer = new SizedSealer(key, { aad, chunkBytes: size }, plain.length);
      const scratch = Buffer.alloc(size);
      const out = [Buffer.from(sealer.header)];
      for (let at = 0, i = 0; i < sealer.chunks; i += 1) {
        const length = sealer.nextLength;
        plain.copy(scratch, 0, at, at + length);
        out.push(...sealer.seal(scratch.subarray(0, length)).map((b) => Buffer.from(b)));
        scratch.fill(0xee);
        at += length;
      }
      return Buffer.concat(out);
    }

    it.each([
      [0, chunkBytes],
      [1, chunkBytes],
      [1024, chunkBytes],
      [1025, chunkBytes],
      [5 * 1024 + 7, chunkBytes],
      // Chunks wider than the cipher's 64 KiB input pieces.
      [300 * 1024 + 5, 256 * 1024],
      [512 * 1024, 256 * 1024],
    ])(
      'seals %i bytes into what the stream opener opens, at the predicted size',
      (length, size) => {
        const input = randomBytes(length);
        const out = sealReusing(input, size);
        expect(out.length).toBe(sealedSize(length, size));
        // equals(): toEqual compares a Buffer byte by byte, seconds for 512 KiB.
        expect(decryptBytes(key, out, { aad }).equals(input)).toBe(true);
      },
    );

    it('marks the last chunk, so a sealed object cut at a chunk border fails', () => {
      const input = randomBytes(3 * chunkBytes);
      const out = sealReusing(input, chunkBytes);
      expect(() =>
        decryptBytes(key, out.subarray(0, header + 2 * sealedChunk), { aad }),
      ).toThrow(expect.objectContaining({ reason: 'sealed_stream_invalid' }));
    });

    it('refuses a chunk of another length, and any chunk past the last', () => {
      const sealer = new SizedSealer(key, { aad, chunkBytes }, chunkBytes + 10);
      expect(() => sealer.seal(Buffer.alloc(10))).toThrow(
        expect.objectContaining({ reason: 'sealed_length_mismatch' }),
      );
      sealer.seal(Buffer.alloc(chunkBytes));
      sealer.seal(Buffer.alloc(10));
      expect(() => sealer.seal(Buffer.alloc(0))).toThrow(
        expect.objectContaining({ reason: 'sealed_length_mismatch' }),
      );
    });
  });
});
