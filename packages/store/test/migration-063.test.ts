import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 063 (consent event kind), encrypted', () => {
  it('keeps every earlier consent event as a change and accepts only the three kinds', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 62);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at)
       VALUES ('c', 'w', '5511987654321', 0, 0)`,
    ).run();
    const event = (id: string, at: number, kind?: string) =>
      db
        .prepare(
          `INSERT INTO consent_events (id, workspace_id, contact_id, purpose, state,
             source, occurred_at, recorded_at${kind ? ', kind' : ''})
           VALUES (?, 'w', 'c', 'marketing', 'opted_in', 'keyword', ?, ?${kind ? ', ?' : ''})`,
        )
        .run(...(kind ? [id, at, at, kind] : [id, at, at]));
    event('e1', 5);

    expect(migrate(db, 63)).toEqual([63]);
    expect(schemaVersion(db)).toBe(63);
    expect(db.prepare('SELECT id, kind FROM consent_events').all()).toEqual([
      { id: 'e1', kind: 'change' },
    ]);
    event('e2', 6, 'request');
    expect(() => event('e3', 7, 'guess')).toThrow(/CHECK/);
    db.close();
  });
});
