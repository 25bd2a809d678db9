import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  type Store,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

const provider = {
  name: 'Media in R2',
  preset: 'r2' as const,
  endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
  region: 'auto',
  bucket: 'media',
  accessKeyId: 'AKID',
  verifiedAt: 1,
};

describe('migration 011 (storage providers) on an encrypted database', () => {
  it('applies once, after the versions before it, to a database with data', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 10);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0)`,
    ).run();

    expect(migrate(db, 11)).toEqual([11]);
    expect(schemaVersion(db)).toBe(11);
    expect(migrate(db, 11)).toEqual([]);
    expect(db.prepare(`SELECT name FROM workspaces`).pluck().all()).toEqual(['W']);
    db.close();
  });

  it('binds each sealed secret key to its row, where key rotation finds it', () => {
    env = tempDatabase();
    const store = env.open();
    const saved = store.storageProviders.save({
      ...provider,
      wrapSecretAccessKey: (id) => Buffer.from(`sealed for ${id}`),
    });

    expect(store.wrappedSecrets.all()).toEqual([
      {
        table: 'storage_providers',
        rowId: saved.id,
        column: 'secret_access_key_wrapped',
        aad: `storage_providers/${saved.id}/secret_access_key`,
        blob: Buffer.from(`sealed for ${saved.id}`),
      },
    ]);
    store.close();
  });

  it('refuses a second provider of the same name and an unknown preset', () => {
    env = tempDatabase();
    const store: Store = env.open();
    const write = { ...provider, wrapSecretAccessKey: () => Buffer.from('x') };
    store.storageProviders.save(write);

    expect(store.storageProviders.nameTaken('Media in R2')).toBe(true);
    expect(() => store.storageProviders.save(write)).toThrow(/UNIQUE/);
    expect(() =>
      store.storageProviders.save({ ...write, name: 'Other', preset: 'gcs' as never }),
    ).toThrow(/CHECK constraint failed/);
    store.close();
  });
});
