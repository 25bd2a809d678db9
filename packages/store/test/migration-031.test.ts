import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  Store,
  workspaceScope,
} from '../src/index.ts';
import { contactBefore58, saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

/** A workspace whose `count` conversations all had their last message at once. */
function sameMillisecond(store: Store, count: number) {
  const ws = store.workspaces.create('Acme');
  const scoped = store.in(workspaceScope(ws.id));
  const number = saveTestNumber(scoped);
  const ids = Array.from({ length: count }, (_, i) =>
    scoped.conversations.touchInbound(
      number.id,
      contactBefore58(store.db, ws.id, `1555000${i}`),
      1_700_000_000_000,
    ),
  );
  return { scoped, ids };
}

describe('migration 031 (inbox keyset) on an encrypted database', () => {
  it('applies once, after 030, keeping every conversation', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 30);
    const { ids } = sameMillisecond(new Store(db), 3);

    expect(migrate(db, 31)).toEqual([31]);
    expect(schemaVersion(db)).toBe(31);
    expect(migrate(db, 31)).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM conversations').pluck().get()).toBe(
      ids.length,
    );
    db.close();
  });

  it('pages through conversations of the same millisecond, each exactly once', () => {
    env = tempDatabase();
    const { scoped, ids } = sameMillisecond(env.open(), 7);
    const seen: string[] = [];
    let page = scoped.conversations.list({}, 3);
    while (page.length > 0) {
      seen.push(...page.map((c) => c.id));
      const last = page.at(-1)!;
      page = scoped.conversations.list(
        {
          assignee: { kind: 'unassigned' },
          after: { lastMessageAt: last.lastMessageAt, id: last.id },
        },
        3,
      );
    }
    expect(seen).toEqual([...ids].sort().reverse());
  });

  it('reads a page from the index in order, without sorting it', () => {
    env = tempDatabase();
    const db = env.open().db;
    const plan = (sql: string, ...params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join('; ');
    const order = 'ORDER BY last_message_at DESC, id DESC LIMIT 200';
    const all = plan(
      `SELECT id FROM conversations WHERE workspace_id = ?
       AND (last_message_at, id) < (?, ?) ${order}`,
      'w',
      1,
      'x',
    );
    expect(all).toContain('conversations_by_recency');
    expect(all).not.toContain('TEMP B-TREE');
    const mine = plan(
      `SELECT id FROM conversations WHERE workspace_id = ? AND assignee_id = ? ${order}`,
      'w',
      'u',
    );
    expect(mine).toContain('conversations_by_assignee');
    expect(mine).not.toContain('TEMP B-TREE');
    // What the list shows of a conversation comes from the index alone.
    const shown = `SELECT id, number_id, contact_id, assignee_id, last_message_at,
      last_inbound_at, unread_count FROM conversations WHERE workspace_id = ?`;
    expect(plan(`${shown} ${order}`, 'w')).toContain(
      'COVERING INDEX conversations_by_recency',
    );
    expect(plan(`${shown} AND assignee_id = ? ${order}`, 'w', 'u')).toContain(
      'COVERING INDEX conversations_by_assignee',
    );
  });
});
