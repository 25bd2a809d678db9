import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  workspaceScope,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function providerIn(store: ReturnType<typeof env.open>, name: string): string {
  return store.storageProviders.save({
    name,
    preset: 's3-compatible',
    endpoint: 'http://127.0.0.1:9',
    region: 'us-east-1',
    bucket: name,
    accessKeyId: 'AK',
    verifiedAt: 1,
    wrapSecretAccessKey: () => Buffer.from('sealed'),
  }).id;
}

describe('migration 013 (object locations, metrics tokens) on an encrypted database', () => {
  it('applies once, after 012, keeping the tier lists already saved', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 12);
    db.prepare(
      `INSERT INTO storage_tier_defaults (tier, position, provider_id)
       VALUES ('backup', 0, NULL)`,
    ).run();

    expect(migrate(db, 13)).toEqual([13]);
    expect(schemaVersion(db)).toBe(13);
    expect(migrate(db, 13)).toEqual([]);
    expect(db.prepare('SELECT tier FROM storage_tier_defaults').pluck().all()).toEqual([
      'backup',
    ]);
    db.close();
  });

  it("keeps each owner's locations apart, one row per provider, the local disk included", () => {
    env = tempDatabase();
    const store = env.open();
    const w1 = store.in(workspaceScope(store.workspaces.create('One').id));
    const w2 = store.in(workspaceScope(store.workspaces.create('Two').id));
    const offsite = providerIn(store, 'offsite');

    w1.objectLocations.beginWrite('media-hot', 'm/1', offsite);
    w1.objectLocations.recordWritten('media-hot', 'm/1', null, {
      size: 3,
      sha256: SHA_A,
    });
    w1.objectLocations.recordWritten('media-hot', 'm/1', null, {
      size: 3,
      sha256: SHA_A,
    });
    store.applianceObjectLocations.recordWritten('media-hot', 'm/1', null, {
      size: 5,
      sha256: SHA_B,
    });

    expect(w1.objectLocations.locations('media-hot', 'm/1')).toEqual([
      {
        providerId: null,
        written: { size: 3, sha256: SHA_A, at: expect.any(Number) },
        attemptAt: null,
      },
      { providerId: offsite, written: null, attemptAt: expect.any(Number) },
    ]);
    expect(w2.objectLocations.locations('media-hot', 'm/1')).toEqual([]);
    expect(store.applianceObjectLocations.locations('media-hot', 'm/1')).toHaveLength(1);
    expect(w1.objectLocations.keysNeedingWork('media-hot', null, '', 10)).toEqual([
      'm/1',
    ]);
    expect(w1.objectLocations.countAwayFrom('media-hot', offsite)).toBe(1);
    expect(w1.objectLocations.countAwayFrom('media-hot', null)).toBe(0);
    expect(
      store.objectLocationIndex.groups().map((g) => g.owner === 'appliance'),
    ).toEqual([true, false]);
    store.close();
  });

  it('marks copies of an older version to go when a new version is written', () => {
    env = tempDatabase();
    const store = env.open();
    const offsite = providerIn(store, 'offsite');
    const repo = store.applianceObjectLocations;

    repo.recordWritten('backup', 'b/1', offsite, { size: 1, sha256: SHA_A });
    repo.recordWritten('backup', 'b/1', null, { size: 2, sha256: SHA_B });

    const [local, old] = repo.locations('backup', 'b/1');
    expect(local).toMatchObject({ providerId: null, written: { sha256: SHA_B } });
    expect(old).toMatchObject({ providerId: offsite, written: null });
    expect(old?.attemptAt).not.toBeNull();
    store.close();
  });

  it('refuses to forget a provider that still holds objects, and malformed rows', () => {
    env = tempDatabase();
    const store = env.open();
    const offsite = providerIn(store, 'offsite');
    store.applianceObjectLocations.recordWritten('backup', 'b/1', offsite, {
      size: 1,
      sha256: SHA_A,
    });

    expect(store.objectLocationIndex.countAt(offsite)).toBe(1);
    expect(() => store.storageProviders.remove(offsite)).toThrow(/FOREIGN KEY/);
    const insert = store.db.prepare(
      `INSERT INTO storage_object_locations (tier, object_key, size, sha256, written_at)
       VALUES ('backup', 'x', 1, ?, 1)`,
    );
    expect(() => insert.run('A'.repeat(64))).toThrow(/CHECK constraint failed/);
    expect(() =>
      store.db
        .prepare(
          `INSERT INTO storage_object_locations (tier, object_key) VALUES ('backup', 'y')`,
        )
        .run(),
    ).toThrow(/CHECK constraint failed/);
    store.close();
  });

  it('stores metrics tokens by hash, each hash once', () => {
    env = tempDatabase();
    const store = env.open();
    const token = store.metricsTokens.create('prometheus', 'h'.repeat(64));

    expect(store.metricsTokens.findByHash('h'.repeat(64))).toEqual(token);
    expect(() => store.metricsTokens.create('again', 'h'.repeat(64))).toThrow(/UNIQUE/);
    expect(store.metricsTokens.remove(token.id)).toBe(true);
    expect(store.metricsTokens.findByHash('h'.repeat(64))).toBeUndefined();
    store.close();
  });
});
