import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 054 (access log anchors) on an encrypted database', () => {
  it('adds the anchors of access-log cuts, which are never changed or removed', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 50);

    expect(migrate(db, 54)).toEqual([54]);
    expect(schemaVersion(db)).toBe(54);
    db.prepare(
      `INSERT INTO access_log_anchors (first_seq, prev_hash, pruned_at, pruned_count)
       VALUES (4, 'h', 1, 3)`,
    ).run();
    expect(() =>
      db.prepare(`UPDATE access_log_anchors SET prev_hash = 'x'`).run(),
    ).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM access_log_anchors`).run()).toThrow(
      /append-only/,
    );
    expect(() =>
      db
        .prepare(
          `INSERT INTO access_log_anchors (first_seq, prev_hash, pruned_at, pruned_count)
           VALUES ('four', 'h', 1, 3)`,
        )
        .run(),
    ).toThrow(/datatype|STRICT|cannot store/i);
    db.close();
  });
});
