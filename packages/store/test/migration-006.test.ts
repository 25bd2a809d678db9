import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 006 (two-factor) on an encrypted database at version 1', () => {
  it('adds the two-factor tables and the workspace setting, off for existing workspaces', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 1);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0)`,
    ).run();

    expect(migrate(db)).toContain(6);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(6);
    const tables = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`)
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining(['two_factor', 'recovery_codes', 'login_challenges']),
    );
    expect(
      db
        .prepare(`SELECT require_two_factor FROM workspaces WHERE id = 'w'`)
        .pluck()
        .get(),
    ).toBe(0);
    db.close();
  });
});
