import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 003 (sessions and login) on an encrypted database', () => {
  it('gives sessions that already exist a public id and keeps them', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 1);
    db.exec(`
      INSERT INTO workspaces VALUES ('w', 'W', 0);
      INSERT INTO users VALUES ('u', 'u@x.test', 'U', 'hash', 0);
      INSERT INTO sessions (id_hash, user_id, workspace_id, created_at, expires_at,
        last_seen_at) VALUES ('h1', 'u', 'w', 1, 2, 1), ('h2', 'u', 'w', 1, 2, 1);`);

    expect(migrate(db, 3)).toEqual([3]);
    expect(schemaVersion(db)).toBe(3);
    const ids = db
      .prepare('SELECT public_id FROM sessions ORDER BY id_hash')
      .pluck()
      .all() as string[];
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(2);
    expect(() =>
      db.prepare(`UPDATE sessions SET public_id = ? WHERE id_hash = 'h2'`).run(ids[0]),
    ).toThrow(/UNIQUE constraint failed/);
    expect(migrate(db, 3)).toEqual([]);
    db.close();
  });

  it('creates the sign-in throttle table, which refuses a row without failures', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db);
    const insert = db.prepare(
      `INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until)
       VALUES (?, ?, 0, 0)`,
    );
    insert.run('account:abc', 1);
    expect(() => insert.run('address:127.0.0.1', 0)).toThrow(/CHECK constraint failed/);
    expect(() => insert.run('account:abc', 2)).toThrow(/UNIQUE constraint failed/);
    db.close();
  });
});
