import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 069 (board intimation duty) on an encrypted database', () => {
  it('keeps the duties already done, accepts the Board intimation and still refuses an unknown duty', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 68);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO breaches (id, workspace_id, title, aware_at, details_json,
         people_target_hours, created_at, updated_at) VALUES ('b', 'w', 'x', 1, '{}', 72, 1, 1)`,
    ).run();
    db.prepare(
      `INSERT INTO breach_clocks (breach_id, duty, done_at, reference)
       VALUES ('b', 'board', 5, 'DPB-1')`,
    ).run();

    expect(migrate(db, 69)).toEqual([69]);
    expect(schemaVersion(db)).toBe(69);
    expect(db.prepare(`SELECT * FROM breach_clocks`).all()).toEqual([
      { breach_id: 'b', duty: 'board', done_at: 5, reference: 'DPB-1' },
    ]);
    const clock = db.prepare(
      `INSERT INTO breach_clocks (breach_id, duty) VALUES ('b', ?)`,
    );
    clock.run('board_intimation');
    expect(() => clock.run('press')).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(`INSERT INTO breach_clocks (breach_id, duty) VALUES ('none', 'gdpr')`)
        .run(),
    ).toThrow(/FOREIGN KEY/);
    db.prepare(`DELETE FROM breaches`).run();
    expect(db.prepare(`SELECT count(*) FROM breach_clocks`).pluck().get()).toBe(0);
    db.close();
  });
});
