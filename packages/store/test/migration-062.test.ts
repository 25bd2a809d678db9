import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 062 (notes about others), encrypted', () => {
  it('keeps every note as about its contact and accepts only a yes or no mark', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 58);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at)
       VALUES ('c', 'w', '5511987654321', 0, 0)`,
    ).run();
    db.prepare(
      `INSERT INTO notes (id, workspace_id, contact_id, body, created_at)
       VALUES ('n1', 'w', 'c', 'prefers mornings', 5)`,
    ).run();

    expect(migrate(db, 62)).toEqual([62]);
    expect(schemaVersion(db)).toBe(62);
    expect(db.prepare('SELECT id, body, about_other FROM notes').all()).toEqual([
      { id: 'n1', body: 'prefers mornings', about_other: 0 },
    ]);
    db.prepare(
      `INSERT INTO notes (id, workspace_id, contact_id, body, about_other, created_at)
       VALUES ('n2', 'w', 'c', 'her neighbour complained', 1, 6)`,
    ).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO notes (id, workspace_id, contact_id, body, about_other, created_at)
           VALUES ('n3', 'w', 'c', 'x', 2, 7)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
