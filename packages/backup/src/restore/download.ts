import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
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
 * The file is written with this much buffered: the opener hands on a whole
 * 1 MiB chunk at once, and a default 16 KiB write buffer turned each into
 * a run of pauses (a download ran 40% slower than the raw GetObject).
 */
const WRITE_BUFFER_BYTES = 8 * 1024 * 1024;
/**
 * What has been written is sent to the disk every this many bytes, while
 * the rest still arrives: a gigabyte synced only at the end took longer
 * than the restore's integrity check.
 */
const SYNC_EVERY_BYTES = 64 * 1024 * 1024;

/**
 * Streams a sealed object, opened as it arrives, into `path`, and syncs it
 * to the disk. With `hashPlain`, returns the SHA-256 of the opened bytes
 * written there, taken on the way rather than by reading the file back
 * (manifests written before 2026-12 carry it); without, none is taken: the
 * opener already refuses any chunk that is not the one sealed there.
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
  // Its own handle for syncing: the stream closes its own when it ends,
  // perhaps while a sync is still under way.
  const syncer = await open(input.path, 'w', 0o600);
  try {
    let done = 0;
    let synced = 0;
    let syncing: Promise<void> | undefined;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        done += chunk.length;
        input.onProgress?.(done, input.expected.size);
        if (!syncing && done - synced >= SYNC_EVERY_BYTES) {
          synced = done;
          syncing = syncer.datasync().finally(() => (syncing = undefined));
        }
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
    try {
      await pipeline([
        source,
        ...stages,
        createWriteStream(input.path, { flags: 'r+', highWaterMark: WRITE_BUFFER_BYTES }),
      ]);
    } finally {
      await syncing?.catch(() => undefined);
    }
    await syncer.datasync();
    return hash?.digest('hex');
  } finally {
    await syncer.close();
  }
}
