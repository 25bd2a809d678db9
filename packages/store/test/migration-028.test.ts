import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { seedAt17 } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 028 (message search) on an encrypted database', () => {
  it('applies once, after 022, and indexes the messages already stored', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 22);
    // 020 to 022 only add tables: the rows a 017 database holds are the same.
    const workspaceId = seedAt17(db);

    expect(migrate(db, 28)).toEqual([28]);
    expect(schemaVersion(db)).toBe(28);
    expect(migrate(db, 28)).toEqual([]);
    // (Migration 066 moves the index to its own file; this is the old one.)
    const found = db
      .prepare(
        `SELECT k.message_id FROM message_search s
         JOIN message_search_keys k ON k.rowid = s.rowid
         WHERE message_search MATCH ?`,
      )
      .pluck()
      .all(`workspace : "${workspaceId.replaceAll('-', '')}" AND body : invoice`);
    expect(found).toEqual(['m1']);
    db.close();
  });
});
