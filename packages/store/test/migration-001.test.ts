import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 001 (initial schema) on a fresh encrypted database', () => {
  it('creates every table and records schema version 1', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    expect(migrate(db, 1)).toEqual([1]);
    expect(schemaVersion(db)).toBe(1);
    const tables = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'audit_log',
        'contacts',
        'conversations',
        'invites',
        'members',
        'message_statuses',
        'messages',
        'sessions',
        'setup_codes',
        'users',
        'whatsapp_errors',
        'whatsapp_numbers',
        'workspaces',
      ]),
    );
    expect(migrate(db, 1)).toEqual([]);
    db.close();
  });

  it('makes the audit log refuse UPDATE and DELETE', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 1);
    db.prepare(
      `INSERT INTO audit_log (at, actor_type, action, outcome) VALUES (1, 'system', 'x', 'success')`,
    ).run();
    expect(() => db.prepare(`UPDATE audit_log SET action = 'y'`).run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT action FROM audit_log').pluck().all()).toEqual(['x']);
    db.close();
  });

  it('rejects a second row with the same WhatsApp message id in a workspace', () => {
    env = tempDatabase();
    const store = env.open();
    store.db.exec(`
      INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0);
      INSERT INTO whatsapp_numbers VALUES ('n', 'w', 'p', 'b', 'd', x'00', x'00', x'00', 'h', 0, 0, 0);
      INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at) VALUES ('c', 'w', '1', 0, 0);
      INSERT INTO conversations (id, workspace_id, number_id, contact_id, last_message_at, created_at)
        VALUES ('v', 'w', 'n', 'c', 0, 0);`);
    const insert = store.db.prepare(
      `INSERT INTO messages (id, workspace_id, conversation_id, wa_message_id, direction, type,
         raw_json, status, occurred_at, created_at)
       VALUES (?, 'w', 'v', 'wamid.same', 'inbound', 'text', '{}', 'received', 0, 0)`,
    );
    insert.run('m1');
    expect(() => insert.run('m2')).toThrow(/UNIQUE constraint failed/);
    store.close();
  });
});
