import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 007 (support access) on an encrypted database at version 6', () => {
  it('adds the support grants table, empty, and keeps existing rows', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 6);
    expect(schemaVersion(db)).toBe(6);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0)`,
    ).run();

    expect(migrate(db, 7)).toEqual([7]);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare(`SELECT count(*) FROM support_grants`).pluck().get()).toBe(0);
    expect(db.prepare(`SELECT name FROM workspaces`).pluck().all()).toEqual(['W']);
    db.close();
  });

  it('refuses an end reason it does not know and a credential used by two grants', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 7);
    db.exec(`
      INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0);
      INSERT INTO users (id, email, display_name, password_hash, created_at)
        VALUES ('u', 'o@x.test', 'O', 'h', 0);
    `);
    const insert = db.prepare(
      `INSERT INTO support_grants (id, workspace_id, name, granted_by, granted_by_email,
         created_at, expires_at, credential_hash, credential_expires_at, end_reason)
       VALUES (?, 'w', 'Sam', 'u', 'o@x.test', 0, 1, ?, 1, ?)`,
    );
    insert.run('g1', 'hash-1', null);
    expect(() => insert.run('g2', 'hash-1', null)).toThrow(/UNIQUE/);
    expect(() => insert.run('g3', 'hash-3', 'forgotten')).toThrow(/CHECK/);
    db.close();
  });
});
