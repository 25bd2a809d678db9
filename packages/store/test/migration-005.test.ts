import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

const ID_A = 'a'.repeat(32);
const ID_B = 'b'.repeat(32);

describe('migration 005 (key ring) on a fresh encrypted database', () => {
  it('applies once, after the version before it', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    expect(migrate(db, 4)).toEqual([1, 3, 4]);
    expect(migrate(db, 5)).toEqual([5]);
    expect(schemaVersion(db)).toBe(5);
    expect(migrate(db, 5)).toEqual([]);
    db.close();
  });

  it('allows one active master key, and a retired key keeps no material', () => {
    env = tempDatabase();
    const store = env.open();
    store.keyRing.add(ID_A, Buffer.from('wrapped-a'));
    expect(() => store.keyRing.add(ID_B, Buffer.from('wrapped-b'))).toThrow(/UNIQUE/);

    store.keyRing.retire(ID_A);
    store.keyRing.add(ID_B, Buffer.from('wrapped-b'));
    expect(store.keyRing.get(ID_A)).toMatchObject({ wrappedKey: null });
    expect(store.keyRing.active()?.id).toBe(ID_B);
    expect(() =>
      store.db.prepare(`UPDATE key_ring SET wrapped_key = x'00' WHERE id = ?`).run(ID_A),
    ).toThrow(/CHECK constraint failed/);
    store.close();
  });

  it('promotes or discards the copies staged for a rekey', () => {
    env = tempDatabase();
    const store = env.open();
    store.keyRing.add(ID_A, Buffer.from('under-old-root'));
    store.keyRing.stageNext(ID_A, Buffer.from('under-new-root'));
    expect(store.keyRing.discardNext()).toBe(1);
    expect(store.keyRing.get(ID_A)?.wrappedKey?.toString()).toBe('under-old-root');

    store.keyRing.stageNext(ID_A, Buffer.from('under-new-root'));
    expect(store.keyRing.promoteNext()).toBe(1);
    expect(store.keyRing.get(ID_A)).toMatchObject({ wrappedKeyNext: null });
    expect(store.keyRing.get(ID_A)?.wrappedKey?.toString()).toBe('under-new-root');
    store.close();
  });
});
