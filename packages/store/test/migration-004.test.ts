import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion, type Db } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

/** A workspace with one conversation and one user, written at schema version 1. */
function seedVersion1(db: Db): void {
  db.exec(`
    INSERT INTO workspaces VALUES ('w', 'W', 0);
    INSERT INTO users VALUES ('u', 'u@x.test', 'U', 'hash', 0);
    INSERT INTO members VALUES ('w', 'u', 'AGENT', 0);
    INSERT INTO whatsapp_numbers VALUES ('n', 'w', 'p', 'b', 'd', x'00', x'00', x'00', 'h', 0, 0, 0);
    INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at)
      VALUES ('c', 'w', '1', 0, 0);
    INSERT INTO conversations (id, workspace_id, number_id, contact_id, last_message_at,
      created_at) VALUES ('v', 'w', 'n', 'c', 0, 0);`);
}

const assignee = (db: Db) =>
  db.prepare(`SELECT assignee_id FROM conversations WHERE id = 'v'`).pluck().get();

describe('migration 004 (conversation assignment) on an encrypted database', () => {
  it('applies once, after the version before it', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 3);
    seedVersion1(db);

    expect(migrate(db, 4)).toEqual([4]);
    expect(schemaVersion(db)).toBe(4);
    expect(migrate(db, 4)).toEqual([]);
    db.close();
  });

  it('leaves existing conversations unassigned and indexes the assignee', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 1);
    seedVersion1(db);
    migrate(db);

    expect(assignee(db)).toBeNull();
    const indexes = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?`)
      .pluck()
      .all('conversations');
    expect(indexes).toContain('conversations_by_assignee');
    db.close();
  });

  it('refuses an assignee who is no user, and unassigns when the user is deleted', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 1);
    seedVersion1(db);
    migrate(db);

    const assign = db.prepare(`UPDATE conversations SET assignee_id = ? WHERE id = 'v'`);
    expect(() => assign.run('nobody')).toThrow(/FOREIGN KEY constraint failed/);
    assign.run('u');
    expect(assignee(db)).toBe('u');

    db.exec(`DELETE FROM members; DELETE FROM users WHERE id = 'u'`);
    expect(assignee(db)).toBeNull();
    db.close();
  });
});
