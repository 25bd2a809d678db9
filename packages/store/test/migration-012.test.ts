import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 012 (storage tiers) on an encrypted database', () => {
  it('applies once, after 011, keeping the providers already saved', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 11);
    db.prepare(
      `INSERT INTO storage_providers (id, name, preset, endpoint, region, bucket,
         access_key_id, secret_access_key_wrapped, verified_at, created_at, updated_at)
       VALUES ('p', 'R2', 'r2', 'https://e', 'auto', 'media', 'AK', x'00', 1, 1, 1)`,
    ).run();

    expect(migrate(db, 12)).toEqual([12]);
    expect(schemaVersion(db)).toBe(12);
    expect(migrate(db, 12)).toEqual([]);
    expect(db.prepare(`SELECT name FROM storage_providers`).pluck().all()).toEqual([
      'R2',
    ]);
    db.close();
  });

  it('refuses to remove a provider a tier still lists, and an unknown tier', () => {
    env = tempDatabase();
    const store = env.open();
    const saved = store.storageProviders.save({
      name: 'R2',
      preset: 'r2',
      endpoint: 'https://e',
      region: 'auto',
      bucket: 'media',
      accessKeyId: 'AK',
      verifiedAt: 1,
      wrapSecretAccessKey: () => Buffer.from('x'),
    });
    store.storageTiers.setDefault('backup', [saved.id, null]);

    expect(store.storageTiers.defaults()).toEqual({ backup: [saved.id, null] });
    expect(() => store.storageProviders.remove(saved.id)).toThrow(/FOREIGN KEY/);
    expect(() => store.storageTiers.setDefault('cold' as never, [null])).toThrow(
      /CHECK constraint failed/,
    );
    store.close();
  });
});
