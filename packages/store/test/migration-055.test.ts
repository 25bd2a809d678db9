import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migrations 055 (consent register) and 056 (privacy settings), encrypted', () => {
  it('keeps every consent record, lets a workspace add purposes, and starts with no settings', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 54);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at)
       VALUES ('c', 'w', '5511987654321', 0, 0)`,
    ).run();
    db.prepare(
      `INSERT INTO contact_consent (workspace_id, contact_id, purpose, state, source, changed_at)
       VALUES ('w', 'c', 'marketing', 'opted_out', 'keyword', 700)`,
    ).run();
    // Before the register, marketing was the only purpose.
    expect(() =>
      db
        .prepare(
          `INSERT INTO contact_consent (workspace_id, contact_id, purpose, state, source,
             changed_at) VALUES ('w', 'c', 'surveys', 'opted_in', 'agent', 800)`,
        )
        .run(),
    ).toThrow(/CHECK/);

    expect(migrate(db, 56)).toEqual([55, 56]);
    expect(schemaVersion(db)).toBe(56);
    expect(db.prepare('SELECT * FROM contact_consent').all()).toEqual([
      {
        workspace_id: 'w',
        contact_id: 'c',
        purpose: 'marketing',
        state: 'opted_out',
        source: 'keyword',
        number_id: null,
        changed_at: 700,
        notice_version: null,
        language: null,
      },
    ]);
    db.prepare(
      `INSERT INTO contact_consent (workspace_id, contact_id, purpose, state, source,
         changed_at, notice_version, language)
       VALUES ('w', 'c', 'surveys', 'opted_in', 'import', 800, 'v1', 'hi')`,
    ).run();
    // The contact's deletion still takes its records with it.
    db.prepare(`DELETE FROM contacts WHERE id = 'c'`).run();
    expect(db.prepare('SELECT count(*) FROM contact_consent').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM privacy_settings').pluck().get()).toBe(0);
    db.close();
  });
});
