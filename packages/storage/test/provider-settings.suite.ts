import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { KeyRing } from '@flowgento/messaging';
import { migrate, openEncryptedDatabase, Store } from '@flowgento/store';
import { StorageProviderSettings, type StorageProviderInput } from '../src/index.ts';
import { caughtAppError, readAll } from './support/errors.ts';
import { capturedLogger } from './support/logs.ts';
import { createBucket, type RgwServer } from './support/rgw.ts';

const BUCKET = 'flowgento-settings';

let dir: string;
let store: Store;
let ring: KeyRing;
let logs: ReturnType<typeof capturedLogger>;
let providers: StorageProviderSettings;

/** Every value in every table, as text: what someone with the database key sees. */
function everyValue(): string {
  const tables = store.db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`)
    .pluck()
    .all() as string[];
  return tables
    .flatMap((table) => store.db.prepare(`SELECT * FROM "${table}"`).all())
    .flatMap((row) => Object.values(row as Record<string, unknown>))
    .map((value) =>
      Buffer.isBuffer(value)
        ? `${value.toString('utf8')} ${value.toString('hex')} ${value.toString('base64')}`
        : String(value),
    )
    .join('\n');
}

/**
 * Storage provider settings on a real encrypted database, checked against a
 * real gateway: sealed secret keys, rotation, updates, refusals and logs.
 */
export function providerSettingsSuite(gateway: () => RgwServer): void {
  beforeAll(async () => {
    const server = gateway();
    await createBucket(server, BUCKET);
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fg-providers-'));
    const db = openEncryptedDatabase({
      path: path.join(dir, 'flowgento.db'),
      key: randomBytes(32),
    });
    migrate(db);
    store = new Store(db);
    ring = new KeyRing(store, randomBytes(32));
    ring.prepare();
    logs = capturedLogger();
    providers = new StorageProviderSettings(store, ring, logs.logger);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const input = (changes: Partial<StorageProviderInput['settings']> = {}) =>
    ({
      name: 'Loopback gateway',
      settings: {
        preset: 's3-compatible',
        endpoint: gateway().endpoint,
        region: 'us-east-1',
        bucket: BUCKET,
        accessKeyId: gateway().accessKeyId,
        secretAccessKey: gateway().secretAccessKey,
        ...changes,
      },
    }) as StorageProviderInput;

  it('saves settings only after the live check, with the secret key sealed', async () => {
    const secret = gateway().secretAccessKey;
    const saved = providers.save(await providers.verify(input()));

    expect(saved).toMatchObject({ name: 'Loopback gateway', bucket: BUCKET });
    expect(JSON.stringify(providers.list())).not.toContain(secret);
    expect(everyValue()).not.toContain(secret);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of ['flowgento.db', 'flowgento.db-wal']) {
      const full = path.join(dir, file);
      if (existsSync(full)) expect(readFileSync(full).includes(secret)).toBe(false);
    }

    // Sealed by the key ring and bound to the row: it opens only there.
    const [sealed] = store.wrappedSecrets.all();
    expect(sealed).toMatchObject({ table: 'storage_providers', rowId: saved.id });
    expect(ring.unwrapText(sealed!.blob, sealed!.aad)).toBe(secret);
  });

  it('opens a saved provider that works, and still does after the key ring rotates', async () => {
    const saved = providers.save(await providers.verify(input()));
    const before = store.wrappedSecrets.all()[0]!.blob;
    expect(ring.rotate().rewrapped).toBe(1);
    expect(store.wrappedSecrets.all()[0]!.blob.equals(before)).toBe(false);

    const storage = providers.open(saved.id);
    try {
      const stored = await storage.put('media/after-rotation', Buffer.from('still here'));
      expect(await readAll(await storage.get('media/after-rotation', stored))).toEqual(
        Buffer.from('still here'),
      );
      await storage.delete('media/after-rotation');
    } finally {
      storage.destroy();
    }
  });

  it('keeps the stored secret when an update leaves it out, and refuses a wrong one unchanged', async () => {
    const saved = providers.save(await providers.verify(input()));
    const withoutSecret = input({ secretAccessKey: undefined });
    const updated = providers.save(
      await providers.verify({ ...withoutSecret, name: 'Renamed' }, saved.id),
    );
    expect(updated).toMatchObject({ id: saved.id, name: 'Renamed' });

    const wrong = await caughtAppError(() =>
      providers.verify(input({ secretAccessKey: 'not-the-secret' }), saved.id),
    );
    expect(wrong).toMatchObject({
      code: 'INVALID_INPUT',
      reason: 'credentials_rejected',
      details: { field: 'secretAccessKey' },
    });
    expect(providers.list()).toEqual([updated]);
  });

  it('asks for the secret key again before sending it to another endpoint', async () => {
    const saved = providers.save(await providers.verify(input()));
    const send = vi.spyOn(S3Client.prototype, 'send');
    const elsewhere = new URL(gateway().endpoint);
    elsewhere.port = '9';

    for (const change of [
      { endpoint: elsewhere.origin },
      { accessKeyId: 'FGOTHERKEY' },
    ]) {
      const error = await caughtAppError(() =>
        providers.verify(input({ ...change, secretAccessKey: undefined }), saved.id),
      );
      expect(error).toMatchObject({
        code: 'INVALID_INPUT',
        reason: 'secret_access_key_required',
      });
    }
    expect(send).not.toHaveBeenCalled();
  });

  it('refuses a missing bucket and an insecure endpoint, the latter before any request', async () => {
    const missing = await caughtAppError(() =>
      providers.verify(input({ bucket: 'no-such-bucket' })),
    );
    expect(missing).toMatchObject({ code: 'INVALID_INPUT', reason: 'bucket_not_found' });

    const send = vi.spyOn(S3Client.prototype, 'send');
    const insecure = await caughtAppError(() =>
      providers.verify(input({ endpoint: 'http://s3.example.invalid' })),
    );
    expect(insecure).toMatchObject({
      code: 'INVALID_INPUT',
      reason: 'endpoint_not_https',
    });
    expect(send).not.toHaveBeenCalled();
    expect(providers.list()).toEqual([]);
  });

  it('logs each check with its reason, never a secret or a stack', async () => {
    const secret = gateway().secretAccessKey;
    await providers.verify(input());
    await caughtAppError(() =>
      providers.verify(input({ secretAccessKey: `${secret}x` })),
    );
    await caughtAppError(() => providers.verify(input({ bucket: 'no-such-bucket' })));

    const text = logs.text();
    expect(text).toContain('"reason":"credentials_rejected"');
    expect(text).toContain('"reason":"bucket_not_found"');
    expect(text).toContain('storage provider settings verified');
    expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('refuses a second provider of the same name, and unknown ids', async () => {
    providers.save(await providers.verify(input()));
    const taken = await caughtAppError(() => providers.verify(input()));
    expect(taken).toMatchObject({
      code: 'CONFLICT',
      reason: 'storage_provider_name_taken',
    });

    for (const action of [
      () => providers.open('no-such-id'),
      () => providers.remove('no-such-id'),
      () => providers.verify(input(), 'no-such-id'),
    ]) {
      expect(await caughtAppError(action)).toMatchObject({
        code: 'NOT_FOUND',
        reason: 'storage_provider_not_found',
      });
    }
  });
}
