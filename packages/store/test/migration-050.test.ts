import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 050 (access log and breaches) on an encrypted database', () => {
  it('adds the access log, its keys and the breach register, and refuses an unknown action or duty, and any change to a logged access', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 49);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();

    expect(migrate(db, 50)).toEqual([50]);
    expect(schemaVersion(db)).toBe(50);
    const entry = db.prepare(
      `INSERT INTO access_log (workspace_id, at, actor_id, actor_label, action, via,
         contact_hash, prev_hash, hash) VALUES ('w', 1, 'u', 'a@b', ?, 'test', 'h', 'p', 'q')`,
    );
    entry.run('read');
    expect(() => entry.run('peek')).toThrow(/CHECK/);
    expect(() => db.prepare(`UPDATE access_log SET action = 'search'`).run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare(`DELETE FROM access_log`).run()).toThrow(/append-only/);
    db.prepare(
      `INSERT INTO breaches (id, workspace_id, title, aware_at, details_json,
         people_target_hours, created_at, updated_at) VALUES ('b', 'w', 'x', 1, '{}', 72, 1, 1)`,
    ).run();
    const clock = db.prepare(
      `INSERT INTO breach_clocks (breach_id, duty) VALUES ('b', ?)`,
    );
    clock.run('board');
    expect(() => clock.run('press')).toThrow(/CHECK/);
    db.close();
  });
});
