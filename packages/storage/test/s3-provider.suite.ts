import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  parseS3Settings,
  PART_BYTES,
  S3StorageProvider,
  verifyS3Settings,
  type S3Settings,
} from '../src/index.ts';
import { caughtAppError, readAll } from './support/errors.ts';
import { createBucket, type RgwServer } from './support/rgw.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The S3 provider against a real gateway: objects in one request and in
 * parts, listing past a page, bytes changed behind its back, and the live
 * check of settings. Call inside a describe block of the file that starts
 * the gateway; `gateway` may name a proxy in front of it as its endpoint.
 */
export function s3ProviderSuite(
  gateway: () => RgwServer,
  bucket = 'flowgento-objects',
): void {
  const BUCKET = bucket;
  let settings: S3Settings;
  let storage: S3StorageProvider;

  /** A client of its own, to act behind the provider's back. */
  async function withRawClient<T>(use: (client: S3Client) => Promise<T>): Promise<T> {
    const client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: true,
      credentials: settings,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    try {
      return await use(client);
    } finally {
      client.destroy();
    }
  }

  /** Replaces an object's bytes, as a faulty or tampered store would. */
  function overwrite(key: string, bytes: Buffer): Promise<unknown> {
    return withRawClient((client) =>
      client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes })),
    );
  }

  beforeAll(async () => {
    const server = gateway();
    await createBucket(server, BUCKET);
    settings = parseS3Settings({
      preset: 's3-compatible',
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket: BUCKET,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    });
    storage = new S3StorageProvider(settings);
  });
  afterAll(() => storage?.destroy());

  describe('objects', () => {
    it('puts, heads, lists, gets and deletes an object', async () => {
      const bytes = randomBytes(4096);
      const stored = await storage.put('media/w1/photo.jpg', bytes, {
        contentType: 'image/jpeg',
      });
      expect(stored).toEqual({
        key: 'media/w1/photo.jpg',
        size: 4096,
        sha256: sha256(bytes),
      });

      expect(await storage.head('media/w1/photo.jpg')).toMatchObject({ size: 4096 });
      const listed: string[] = [];
      for await (const object of storage.list('media/')) listed.push(object.key);
      expect(listed).toEqual(['media/w1/photo.jpg']);
      expect(await readAll(await storage.get('media/w1/photo.jpg', stored))).toEqual(
        bytes,
      );

      await storage.delete('media/w1/photo.jpg');
      await storage.delete('media/w1/photo.jpg');
      expect(await storage.head('media/w1/photo.jpg')).toBeUndefined();
      const gone = await caughtAppError(() => storage.get('media/w1/photo.jpg', stored));
      expect(gone).toMatchObject({ code: 'NOT_FOUND', reason: 'object_not_found' });
    });

    it('lists past a page in key order', async () => {
      const keys = Array.from(
        { length: 1003 },
        (_, i) => `page/${String(i).padStart(4, '0')}`,
      );
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(
          keys.slice(i, i + 50).map((key) => storage.put(key, Buffer.from(key))),
        );
      }
      const listed: string[] = [];
      for await (const object of storage.list('page/')) listed.push(object.key);
      expect(listed).toEqual(keys);
    });

    it('streams a 13 MiB upload in parts and reads it back verified', async () => {
      const chunks = Array.from({ length: 13 * 16 }, () => randomBytes(64 * 1024));
      const whole = Buffer.concat(chunks);
      expect(whole.length).toBeGreaterThan(PART_BYTES);

      const stored = await storage.put('backups/snapshot.db', Readable.from(chunks));
      expect(stored).toMatchObject({ size: 13 * 1024 * 1024, sha256: sha256(whole) });
      expect(await storage.head('backups/snapshot.db')).toMatchObject({
        size: whole.length,
      });
      expect(
        (await readAll(await storage.get('backups/snapshot.db', stored))).equals(whole),
      ).toBe(true);
    });

    it('streams a body of a stated size in one request, and refuses one that is longer or shorter', async () => {
      const chunks = Array.from({ length: 10 * 16 }, () => randomBytes(64 * 1024));
      const whole = Buffer.concat(chunks);
      const stored = await storage.put('backups/streamed.db', Readable.from(chunks), {
        size: whole.length,
      });
      expect(stored).toMatchObject({ size: whole.length, sha256: sha256(whole) });
      expect(
        (await readAll(await storage.get('backups/streamed.db', stored))).equals(whole),
      ).toBe(true);
      // One request: no multipart upload was ever opened for it.
      const uploads = await withRawClient((client) =>
        client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET })),
      );
      expect(uploads.Uploads ?? []).toEqual([]);

      for (const said of [whole.length - 1, whole.length + 1]) {
        await expect(
          storage.put('backups/misstated.db', Readable.from(chunks), { size: said }),
        ).rejects.toThrow();
        expect(await storage.head('backups/misstated.db')).toBeUndefined();
      }
    });

    it('takes no SHA-256 of a body its caller authenticates, and still checks its length', async () => {
      const chunks = Array.from({ length: 10 * 16 }, () => randomBytes(64 * 1024));
      const whole = Buffer.concat(chunks);
      const streamed = await storage.put('backups/sealed.db', Readable.from(chunks), {
        size: whole.length,
        digest: 'none',
      });
      expect(streamed).toEqual({
        key: 'backups/sealed.db',
        size: whole.length,
        sha256: null,
      });
      const small = await storage.put('backups/small.db', Buffer.from('sealed'), {
        digest: 'none',
      });
      expect(small).toMatchObject({ size: 6, sha256: null });
      const expected = { size: whole.length, sha256: null };
      expect(
        (await readAll(await storage.get('backups/sealed.db', expected))).equals(whole),
      ).toBe(true);

      // The length is all the provider checks: the caller opens the rest.
      await overwrite('backups/sealed.db', whole.subarray(1));
      const cut = await caughtAppError(() => storage.get('backups/sealed.db', expected));
      expect(cut).toMatchObject({ reason: 'checksum_mismatch' });
    });

    it('aborts a multipart upload whose source fails, leaving no object', async () => {
      async function* failing() {
        yield randomBytes(PART_BYTES);
        // The first part is on its way before the source fails.
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('source broke');
      }
      await expect(storage.put('backups/broken.db', failing())).rejects.toThrow(
        'source broke',
      );
      expect(await storage.head('backups/broken.db')).toBeUndefined();
      const uploads = await withRawClient((client) =>
        client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET })),
      );
      expect(uploads.Uploads ?? []).toEqual([]);
    });

    it('detects bytes changed in the bucket: same length at the end, other length at once', async () => {
      const stored = await storage.put(
        'media/w1/doc.pdf',
        Buffer.from('the stored bytes'),
      );

      await overwrite('media/w1/doc.pdf', Buffer.from('the stoned bytes'));
      const late = await caughtAppError(async () =>
        readAll(await storage.get('media/w1/doc.pdf', stored)),
      );
      expect(late).toMatchObject({
        code: 'UPSTREAM_FAILED',
        reason: 'checksum_mismatch',
      });

      await overwrite('media/w1/doc.pdf', Buffer.from('shorter'));
      const early = await caughtAppError(() => storage.get('media/w1/doc.pdf', stored));
      expect(early).toMatchObject({
        code: 'UPSTREAM_FAILED',
        reason: 'checksum_mismatch',
      });
    });

    it('refuses unsafe keys before sending anything', async () => {
      for (const key of ['../x', '/x', 'a//b', '.hidden']) {
        const error = await caughtAppError(() => storage.put(key, Buffer.from('x')));
        expect(error.reason).toBe('object_key_invalid');
      }
    });

    it('passes its check, and leaves no probe behind', async () => {
      await storage.check();
      const probes: string[] = [];
      for await (const object of storage.list('flowgento-probe/'))
        probes.push(object.key);
      expect(probes).toEqual([]);
    });
  });

  describe('checking settings against it', () => {
    const secret = () => gateway().secretAccessKey;

    it('accepts working settings', async () => {
      await verifyS3Settings(settings);
    });

    it.each([
      [
        'a bucket that does not exist',
        () => ({ bucket: 'no-such-bucket' }),
        { reason: 'bucket_not_found', details: { field: 'bucket' } },
      ],
      [
        'a wrong secret key',
        () => ({ secretAccessKey: `${secret()}x` }),
        { reason: 'credentials_rejected', details: { field: 'secretAccessKey' } },
      ],
      [
        'an unknown access key id',
        () => ({ accessKeyId: 'FGUNKNOWNKEY' }),
        { reason: 'credentials_rejected', details: { field: 'accessKeyId' } },
      ],
    ])(
      'refuses %s as INVALID_INPUT, saying which field',
      async (_what, change, expected) => {
        const error = await caughtAppError(() =>
          verifyS3Settings({ ...settings, ...change() }),
        );
        expect(error).toMatchObject({ code: 'INVALID_INPUT', ...expected });
        // The error carries no SDK error (with its stack and request) and no secret.
        expect(error.cause).toBeUndefined();
        expect(JSON.stringify({ ...error, message: error.message })).not.toContain(
          secret(),
        );
      },
    );

    it('tells an unreachable endpoint from wrong settings', async () => {
      const closed = new URL(settings.endpoint);
      closed.port = '9';
      const error = await caughtAppError(() =>
        verifyS3Settings({ ...settings, endpoint: closed.origin }),
      );
      expect(error).toMatchObject({
        code: 'UPSTREAM_FAILED',
        reason: 'storage_unreachable',
        details: { errno: 'ECONNREFUSED' },
      });
    });
  });
}
