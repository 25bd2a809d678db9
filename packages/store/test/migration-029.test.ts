import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { seedAt17 } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 029 (agent desk) on an encrypted database', () => {
  it('applies once, after 028: existing conversations are open, notes start empty', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 17);
    seedAt17(db);
    migrate(db, 28);

    expect(migrate(db, 29)).toEqual([29]);
    expect(schemaVersion(db)).toBe(29);
    expect(migrate(db, 29)).toEqual([]);
    // Read with SQL of this version: today's list query also reads 030's table.
    expect(db.prepare(`SELECT status FROM conversations`).pluck().all()).toEqual([
      'open',
    ]);
    // Today's note query also reads 062's column: count with this version's SQL.
    expect(db.prepare(`SELECT count(*) FROM notes`).pluck().get()).toBe(0);
    expect(() => db.prepare(`UPDATE conversations SET status = 'closed'`).run()).toThrow(
      /CHECK constraint/,
    );
    db.close();
  });
});
