import { randomBytes } from 'node:crypto';
import {
  mkdir,
  open,
  readdir,
  rename,
  rm,
  stat,
  type FileHandle,
} from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  assertExpected,
  bodyChunks,
  checksumMismatch,
  ObjectDigest,
  verifiedStream,
} from './checksum.ts';
import { errnoOf } from './errno.ts';
import { diskFailure, objectNotFound } from './local-errors.ts';
import { assertKeyPrefix, assertObjectKey, isKeySegment } from './object-key.ts';
import { probeProvider } from './probe.ts';
import type {
  ExpectedObject,
  ObjectBody,
  ObjectInfo,
  PutOptions,
  StorageProvider,
  StoredObject,
  UnhashedObject,
  UnhashedPutOptions,
} from './provider.ts';

/** The folder, inside the data folder, where the embedded default keeps objects. */
export const LOCAL_STORAGE_FOLDER = 'objects';

// Unfinished writes live here, on the same file system as their targets so
// the final rename is atomic. No key can reach it: segments never start
// with a dot.
const PARTIAL_FOLDER = '.partial';
const MISSING = ['ENOENT', 'ENOTDIR'];

/** The embedded default: objects as private files under `<dataDir>/objects`. */
export function localStorageIn(dataDir: string): LocalDiskProvider {
  return new LocalDiskProvider(path.join(dataDir, LOCAL_STORAGE_FOLDER));
}

/**
 * Objects as files under one folder, one file per key. A put writes a
 * temporary file, fsyncs it, renames it into place and fsyncs the folder,
 * so after a crash a key holds the old object or the whole new one.
 */
export class LocalDiskProvider implements StorageProvider {
  readonly kind = 'local';
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  put(
    key: string,
    body: ObjectBody,
    options: UnhashedPutOptions,
  ): Promise<UnhashedObject>;
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<StoredObject>;
  async put(
    key: string,
    body: ObjectBody,
    options: PutOptions | UnhashedPutOptions = {},
  ): Promise<StoredObject | UnhashedObject> {
    assertObjectKey(key);
    const target = this.pathOf(key);
    const partialDir = path.join(this.root, PARTIAL_FOLDER);
    const partial = path.join(partialDir, randomBytes(12).toString('hex'));
    const digest = new ObjectDigest(options);

    try {
      await disk(mkdir(partialDir, { recursive: true, mode: 0o700 }));
      // 'wx' refuses an existing name, so nothing planted there is followed.
      const file = await disk(open(partial, 'wx', 0o600));
      try {
        for await (const chunk of bodyChunks(body)) {
          // A caller that gave up (a timeout) gets no late object in place.
          options.signal?.throwIfAborted();
          digest.update(chunk);
          await disk(writeAll(file, chunk));
        }
        await disk(file.sync());
        options.signal?.throwIfAborted();
      } finally {
        await file.close();
      }

      await disk(mkdir(path.dirname(target), { recursive: true, mode: 0o700 }));
      await disk(rename(partial, target));
      await syncFolder(path.dirname(target));
    } catch (error) {
      await rm(partial, { force: true }).catch(() => undefined);
      throw error;
    }
    return digest.stored(key);
  }

  async get(key: string, expected: ExpectedObject): Promise<Readable> {
    assertObjectKey(key);
    assertExpected(expected);
    let file: FileHandle;
    try {
      file = await open(this.pathOf(key), 'r');
    } catch (error) {
      throw MISSING.includes(errnoOf(error) ?? '')
        ? objectNotFound()
        : diskFailure(error);
    }

    const info = await file.stat().catch(async (error: unknown) => {
      await file.close();
      throw diskFailure(error);
    });
    if (!info.isFile() || info.size !== expected.size) {
      await file.close();
      // A folder at the key's place is a key with objects under it, not an object.
      throw info.isFile() ? checksumMismatch('INTERNAL') : objectNotFound();
    }
    return verifiedStream(file.createReadStream(), expected, {
      code: 'INTERNAL',
      readFailed: diskFailure,
    });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertObjectKey(key);
    try {
      const info = await stat(this.pathOf(key));
      if (!info.isFile()) return undefined;
      return { key, size: info.size, modifiedAt: Math.floor(info.mtimeMs) };
    } catch (error) {
      if (MISSING.includes(errnoOf(error) ?? '')) return undefined;
      throw diskFailure(error);
    }
  }

  async delete(key: string): Promise<void> {
    assertObjectKey(key);
    const file = this.pathOf(key);
    const info = await stat(file).catch((error: unknown) => {
      if (MISSING.includes(errnoOf(error) ?? '')) return undefined;
      throw diskFailure(error);
    });
    if (!info?.isFile()) return;
    await disk(rm(file, { force: true }));
    // Retention must really delete: make the removal survive a power cut.
    await syncFolder(path.dirname(file));
  }

  async *list(prefix = ''): AsyncIterable<ObjectInfo> {
    assertKeyPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    yield* this.walk(slash === -1 ? '' : prefix.slice(0, slash), prefix);
  }

  check(): Promise<void> {
    return probeProvider(this);
  }

  /**
   * Keys in byte order, as S3 lists them: a folder sorts as its name plus
   * "/", so `a-b` comes before everything under `a/`.
   */
  private async *walk(folderKey: string, prefix: string): AsyncIterable<ObjectInfo> {
    const folder = folderKey === '' ? this.root : this.pathOf(folderKey);
    const entries = await readdir(folder, { withFileTypes: true }).catch(
      (error: unknown) => {
        if (MISSING.includes(errnoOf(error) ?? '')) return [];
        throw diskFailure(error);
      },
    );
    const named = entries
      .filter((entry) => isKeySegment(entry.name))
      .filter((entry) => entry.isFile() || entry.isDirectory())
      .map((entry) => ({
        entry,
        key: folderKey === '' ? entry.name : `${folderKey}/${entry.name}`,
        order: entry.isDirectory() ? `${entry.name}/` : entry.name,
      }))
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));

    for (const { entry, key } of named) {
      if (entry.isDirectory()) {
        const below = `${key}/`;
        if (below.startsWith(prefix) || prefix.startsWith(below)) {
          yield* this.walk(key, prefix);
        }
      } else if (key.startsWith(prefix)) {
        const info = await this.head(key);
        if (info) yield info;
      }
    }
  }

  private pathOf(key: string): string {
    const file = path.join(this.root, ...key.split('/'));
    // The key rule already keeps paths inside; this holds even if it changes.
    if (!file.startsWith(this.root + path.sep)) {
      throw new Error('An object key resolved outside the storage folder');
    }
    return file;
  }
}

/** Runs a file system step, turning its failure into the provider's error. */
async function disk<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    throw diskFailure(error);
  }
}

async function writeAll(file: FileHandle, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await file.write(bytes, offset);
    offset += bytesWritten;
  }
}

/** Flushes a folder so a rename or removal in it survives a power cut. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) can neither open nor fsync a folder.
  } finally {
    await handle?.close();
  }
}
