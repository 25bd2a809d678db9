import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  Store,
  workspaceScope,
} from '../src/index.ts';
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
    const found = new Store(db)
      .in(workspaceScope(workspaceId))
      .search.find([{ text: 'invoice', prefix: false }], { limit: 5 });
    expect(found.map((hit) => hit.messageId)).toEqual(['m1']);
    db.close();
  });
});
