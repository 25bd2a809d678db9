import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 034 (consent history once) on an encrypted database', () => {
  it('drops the repeats a redelivered stop and resume left, keeping each change once', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 33);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at) VALUES ('c', 'w', '5511987654321', 0, 0)`,
    ).run();
    const event = db.prepare(
      `INSERT INTO consent_events (id, workspace_id, contact_id, purpose, state, source,
         occurred_at, recorded_at) VALUES (?, 'w', 'c', 'marketing', ?, 'preference_webhook', ?, ?)`,
    );
    // What stop(t-300), resume(t-100), each delivered three times in turn, left.
    ['opted_out', 'opted_in', 'opted_out', 'opted_in', 'opted_out', 'opted_in'].forEach(
      (state, i) => event.run(`e${i}`, state, state === 'opted_out' ? 700 : 900, i),
    );

    expect(migrate(db, 34)).toEqual([34]);
    expect(schemaVersion(db)).toBe(34);
    expect(
      db.prepare('SELECT id, state FROM consent_events ORDER BY occurred_at').all(),
    ).toEqual([
      { id: 'e0', state: 'opted_out' },
      { id: 'e1', state: 'opted_in' },
    ]);
    expect(() => event.run('e9', 'opted_in', 900, 9)).toThrow(/UNIQUE/);
    db.close();
  });
});
