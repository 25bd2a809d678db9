import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream } from '@flowgento/crypto';
import type { ExpectedObject, StorageProvider } from '@flowgento/storage';

/** Reads a whole (small) object, checked against what its name says. */
export async function readObject(
  provider: StorageProvider,
  key: string,
  expected: ExpectedObject,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await provider.get(key, expected))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Streams a sealed object, opened as it arrives, into `path`. Returns the
 * SHA-256 of the opened bytes written there, taken on the way rather than
 * by reading the file back.
 */
export async function downloadSealed(input: {
  provider: StorageProvider;
  key: string;
  expected: ExpectedObject;
  backupKey: Buffer;
  aad: string;
  path: string;
  onProgress?: (done: number, total: number) => void;
}): Promise<string> {
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      done += chunk.length;
      input.onProgress?.(done, input.expected.size);
      next(null, chunk);
    },
  });
  const source: Readable = await input.provider.get(input.key, input.expected);
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      hash.update(chunk);
      next(null, chunk);
    },
  });
  await pipeline(
    source,
    counter,
    decryptStream(input.backupKey, { aad: input.aad }),
    hasher,
    createWriteStream(input.path, { mode: 0o600 }),
  );
  return hash.digest('hex');
}
