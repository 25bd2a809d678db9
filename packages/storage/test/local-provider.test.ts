import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalDiskProvider, localStorageIn, LOCAL_STORAGE_FOLDER } from '../src/index.ts';
import { caughtAppError, readAll } from './support/errors.ts';

let dataDir: string;
let storage: LocalDiskProvider;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'fg-local-'));
  storage = localStorageIn(dataDir);
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dataDir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const partialFiles = () => {
  const folder = path.join(storage.root, '.partial');
  return existsSync(folder) ? readdirSync(folder) : [];
};

describe('the local disk provider', () => {
  it('keeps objects under the data folder and returns their size and SHA-256', async () => {
    const bytes = randomBytes(100_000);
    const stored = await storage.put('media/w1/a.bin', bytes);

    expect(storage.root).toBe(path.join(dataDir, LOCAL_STORAGE_FOLDER));
    expect(stored).toEqual({
      key: 'media/w1/a.bin',
      size: 100_000,
      sha256: sha256(bytes),
    });
    expect(readFileSync(path.join(storage.root, 'media', 'w1', 'a.bin'))).toEqual(bytes);
    expect(await readAll(await storage.get('media/w1/a.bin', stored))).toEqual(bytes);
    expect(await storage.head('media/w1/a.bin')).toMatchObject({ size: 100_000 });
  });

  it('streams a body of many chunks and an empty one', async () => {
    const chunks = Array.from({ length: 50 }, () => randomBytes(10_000));
    const stored = await storage.put('big', Readable.from(chunks));
    expect(stored.sha256).toBe(sha256(Buffer.concat(chunks)));
    expect(await readAll(await storage.get('big', stored))).toEqual(
      Buffer.concat(chunks),
    );

    const empty = await storage.put('empty', new Uint8Array(0));
    expect(empty).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect(await readAll(await storage.get('empty', empty))).toHaveLength(0);
  });

  it('shows a write under its key only once it is complete', async () => {
    const old = await storage.put('doc', Buffer.from('old version'));
    const body = new PassThrough();
    const writing = storage.put('doc', body);
    body.write(Buffer.from('new '));
    await vi.waitFor(() => expect(partialFiles()).toHaveLength(1));

    expect(await readAll(await storage.get('doc', old))).toEqual(
      Buffer.from('old version'),
    );
    body.end(Buffer.from('version'));
    const fresh = await writing;
    expect(await readAll(await storage.get('doc', fresh))).toEqual(
      Buffer.from('new version'),
    );
    expect(partialFiles()).toEqual([]);
  });

  it('fsyncs the written file and its folder', async () => {
    const probe = await open(path.join(dataDir, 'probe'), 'w');
    const sync = vi.spyOn(Object.getPrototypeOf(probe), 'sync');
    await probe.close();

    await storage.put('a/b/c', Buffer.from('durable'));
    // The file before its rename, then the folder after it.
    expect(sync).toHaveBeenCalledTimes(2);
  });

  it('keeps the old object and no temporary file when a write fails', async () => {
    const old = await storage.put('doc', Buffer.from('old version'));
    const failing = new Readable({
      read() {
        this.push(Buffer.from('half of it'));
        this.destroy(new Error('source broke'));
      },
    });

    await expect(storage.put('doc', failing)).rejects.toThrow('source broke');
    expect(await readAll(await storage.get('doc', old))).toEqual(
      Buffer.from('old version'),
    );
    expect(partialFiles()).toEqual([]);
  });

  it.each([
    ['a parent segment', '../outside'],
    ['a parent segment inside', 'media/../../outside'],
    ['an absolute path', '/etc/passwd'],
    ['a Windows path', 'media\\..\\outside'],
    ['a drive letter', 'C:/outside'],
    ['an empty segment', 'media//a'],
    ['a trailing slash', 'media/'],
    ['a current-folder segment', 'media/./a'],
    ['a hidden name', '.partial/x'],
    ['a NUL byte', 'media/a\0b'],
    ['an empty key', ''],
    ['a key over 1024 bytes', 'a'.repeat(1025)],
  ])('refuses a key with %s, touching nothing', async (_what, key) => {
    for (const action of [
      () => storage.put(key, Buffer.from('x')),
      () => storage.get(key, { size: 1, sha256: sha256(Buffer.from('x')) }),
      () => storage.head(key),
      () => storage.delete(key),
    ]) {
      const error = await caughtAppError(action);
      expect(error).toMatchObject({
        code: 'INVALID_INPUT',
        reason: 'object_key_invalid',
      });
    }
    expect(existsSync(path.join(dataDir, 'outside'))).toBe(false);
    expect(existsSync(path.join(path.dirname(dataDir), 'outside'))).toBe(false);
  });

  it('says an object is missing before any byte, with NOT_FOUND', async () => {
    await storage.put('media/a', Buffer.from('x'));
    for (const key of ['media/none', 'media', 'none/at/all']) {
      const error = await caughtAppError(() =>
        storage.get(key, { size: 1, sha256: sha256(Buffer.from('x')) }),
      );
      expect(error).toMatchObject({ code: 'NOT_FOUND', reason: 'object_not_found' });
      expect(await storage.head(key)).toBeUndefined();
    }
  });

  it('fails a download whose bytes changed on disk, at the end of the stream', async () => {
    const stored = await storage.put('doc', Buffer.from('the stored bytes'));
    writeFileSync(path.join(storage.root, 'doc'), 'the stoned bytes');

    const error = await caughtAppError(async () =>
      readAll(await storage.get('doc', stored)),
    );
    expect(error).toMatchObject({ code: 'INTERNAL', reason: 'checksum_mismatch' });
  });

  it('refuses at once a download whose length is not the stored one', async () => {
    const stored = await storage.put('doc', Buffer.from('the stored bytes'));
    writeFileSync(path.join(storage.root, 'doc'), 'shorter');
    const error = await caughtAppError(() => storage.get('doc', stored));
    expect(error).toMatchObject({ reason: 'checksum_mismatch' });

    const wrongHash = { size: 7, sha256: sha256(Buffer.from('other!!')) };
    const late = await caughtAppError(async () =>
      readAll(await storage.get('doc', wrongHash)),
    );
    expect(late).toMatchObject({ reason: 'checksum_mismatch' });
  });

  it('takes no SHA-256 of a body its caller authenticates, and still checks its length', async () => {
    const stored = await storage.put('sealed', Buffer.from('sealed bytes'), {
      digest: 'none',
    });
    expect(stored).toEqual({ key: 'sealed', size: 12, sha256: null });
    const expected = { size: stored.size, sha256: stored.sha256 };
    expect((await readAll(await storage.get('sealed', expected))).toString()).toBe(
      'sealed bytes',
    );

    writeFileSync(path.join(storage.root, 'sealed'), 'cut short');
    const error = await caughtAppError(() => storage.get('sealed', expected));
    expect(error).toMatchObject({ reason: 'checksum_mismatch' });
  });

  it('deletes, and deleting a missing object is not an error', async () => {
    const stored = await storage.put('media/a', Buffer.from('x'));
    await storage.delete('media/a');
    await storage.delete('media/a');
    await storage.delete('media');
    expect(await storage.head('media/a')).toBeUndefined();
    expect((await caughtAppError(() => storage.get('media/a', stored))).code).toBe(
      'NOT_FOUND',
    );
  });

  it('lists keys under a prefix in byte order, as S3 does, without temporary files', async () => {
    for (const key of ['b', 'a/d/e', 'a-b', 'a/c', 'ab']) {
      await storage.put(key, Buffer.from(key));
    }
    const body = new PassThrough();
    const unfinished = storage.put('a/late', body);
    await vi.waitFor(() => expect(partialFiles()).toHaveLength(1));

    const keys = async (prefix?: string) => {
      const found: string[] = [];
      for await (const object of storage.list(prefix)) found.push(object.key);
      return found;
    };
    expect(await keys()).toEqual(['a-b', 'a/c', 'a/d/e', 'ab', 'b']);
    expect(await keys('a')).toEqual(['a-b', 'a/c', 'a/d/e', 'ab']);
    expect(await keys('a/')).toEqual(['a/c', 'a/d/e']);
    expect(await keys('a/d')).toEqual(['a/d/e']);
    expect(await keys('nothing/')).toEqual([]);
    await expect(keys('../')).rejects.toMatchObject({ reason: 'object_key_invalid' });

    body.end('done');
    await unfinished;
  });

  it('passes its check, and fails it with a typed error when the folder is unusable', async () => {
    await storage.check();
    expect(partialFiles()).toEqual([]);

    const blocked = path.join(dataDir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the folder should be');
    const error = await caughtAppError(() => new LocalDiskProvider(blocked).check());
    expect(error).toMatchObject({ code: 'INTERNAL', reason: 'storage_io_failed' });
    expect(error.message).not.toContain(dataDir);
    expect(error.details).toEqual({ errno: 'ENOTDIR' });
  });
});
