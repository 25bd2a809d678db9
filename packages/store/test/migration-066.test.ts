import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  SearchIndex,
  Store,
  workspaceScope,
} from '../src/index.ts';
import { seedAt17 } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 066 (search index in its own file), encrypted', () => {
  it('drops the index from flowgento.db; the first start builds it in its own file', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 22);
    const workspaceId = seedAt17(db);
    migrate(db, 65);
    const blocks = () =>
      (db.prepare('SELECT block FROM message_search_data').pluck().all() as Buffer[])
        .map((block) => block.toString('latin1'))
        .join('');
    expect(blocks()).toContain('invoice');

    expect(migrate(db, 66)).toEqual([66]);
    expect(schemaVersion(db)).toBe(66);
    expect(
      db
        .prepare(
          `SELECT name FROM sqlite_schema
           WHERE name LIKE 'message_search%' OR sql LIKE '%message_search%'`,
        )
        .all(),
    ).toEqual([]);
    // The database runs with secure_delete: the dropped tables' pages were
    // zeroed as they were freed.
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);

    migrate(db);
    const store = new Store(db);
    const index = SearchIndex.attach(store, {
      path: join(env.dir, 'search-index.db'),
      key: randomBytes(32),
    });
    expect(index.refresh()).toEqual({ rebuilt: true, indexed: 1, unreadable: 0 });
    const found = store
      .in(workspaceScope(workspaceId))
      .search.find([{ text: 'invoice', prefix: false }], { limit: 5 });
    expect(found.map((hit) => hit.messageId)).toEqual(['m1']);
    store.close();
  });
});
