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
 * Streams a sealed object, opened as it arrives, into `path`. With
 * `hashPlain`, returns the SHA-256 of the opened bytes written there, taken
 * on the way rather than by reading the file back (manifests written before
 * 2026-12 carry it); without, none is taken: the opener already refuses any
 * chunk that is not the one sealed there.
 */
export async function downloadSealed(input: {
  provider: StorageProvider;
  key: string;
  expected: ExpectedObject;
  backupKey: Buffer;
  aad: string;
  path: string;
  hashPlain?: boolean;
  onProgress?: (done: number, total: number) => void;
}): Promise<string | undefined> {
  let done = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      done += chunk.length;
      input.onProgress?.(done, input.expected.size);
      next(null, chunk);
    },
  });
  const source: Readable = await input.provider.get(input.key, input.expected);
  const hash = input.hashPlain ? createHash('sha256') : undefined;
  const stages: Transform[] = [
    counter,
    decryptStream(input.backupKey, { aad: input.aad }),
  ];
  if (hash) {
    stages.push(
      new Transform({
        transform(chunk: Buffer, _encoding, next) {
          hash.update(chunk);
          next(null, chunk);
        },
      }),
    );
  }
  await pipeline([source, ...stages, createWriteStream(input.path, { mode: 0o600 })]);
  return hash?.digest('hex');
}
