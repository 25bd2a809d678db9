import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  conversationIndexFor,
  conversationListSql,
  MESSAGE_SEARCH_SQL,
  openEncryptedDatabase,
  SearchIndex,
  Store,
  workspaceScope,
  type ConversationFilter,
  type Store as StoreType,
} from '../src/index.ts';
import { saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

function workspace(store: StoreType, name: string, phoneNumberId: string) {
  const ws = store.workspaces.create(name);
  const scoped = store.in(workspaceScope(ws.id));
  const number = saveTestNumber(scoped, {
    phoneNumberId,
    display: `+1 555 ${phoneNumberId}`,
  });
  let n = 0;
  const write = (waId: string, body: string, at: number) => {
    const contactId = scoped.contacts.upsert(waId, null);
    const conversationId = scoped.conversations.touchInbound(number.id, contactId, at);
    n += 1;
    scoped.messages.insertInbound({
      conversationId,
      waMessageId: `wamid.${name}.${n}`,
      type: 'text',
      body,
      rawJson: '{}',
      replyToWaMessageId: null,
      occurredAt: at,
    });
    return conversationId;
  };
  return { ws, scoped, numberId: number.id, write };
}

const words = (...list: string[]) => list.map((text) => ({ text, prefix: false }));

describe('message search in the encrypted database', () => {
  it("finds a workspace's own messages by a word, never another workspace's", () => {
    env = tempDatabase();
    const store = env.open();
    const a = workspace(store, 'A', '1001');
    const b = workspace(store, 'B', '1002');
    a.write('15550001', 'The parcel arrived damaged', 1000);
    b.write('15550002', 'My parcel is late', 2000);

    const found = a.scoped.search.find(words('parcel'), { limit: 10 });
    expect(found.map((h) => h.body)).toEqual(['The parcel arrived damaged']);
    expect(b.scoped.search.find(words('damaged'), { limit: 10 })).toEqual([]);
  });

  it('reads quotes and operators typed by a user as plain words', () => {
    env = tempDatabase();
    const a = workspace(env.open(), 'A', '1001');
    a.write('15550001', 'say "NEAR" OR AND not', 1000);
    for (const text of ['"NEAR"', 'OR', 'AND', 'NOT', '*', ')', 'col:']) {
      expect(() => a.scoped.search.find(words(text), { limit: 10 })).not.toThrow();
    }
    expect(a.scoped.search.find(words('OR'), { limit: 10 })).toHaveLength(1);
  });

  it('forgets a deleted conversation, and keeps working after VACUUM INTO', () => {
    env = tempDatabase();
    const store = env.open();
    const a = workspace(store, 'A', '1001');
    const gone = a.write('15550001', 'refund please', 1000);
    a.write('15550002', 'refund received, thanks', 2000);
    expect(a.scoped.conversations.delete(gone)).toBe(true);
    expect(a.scoped.search.find(words('refund'), { limit: 10 })).toHaveLength(1);

    const copy = join(env.dir, 'copy.db');
    store.db.prepare('VACUUM INTO ?').run(copy);
    store.db.close();
    const reopened = new Store(openEncryptedDatabase({ path: copy, key: env.key }));
    // The index is not in the copy: its own file is built from the messages.
    const index = SearchIndex.attach(reopened, {
      path: join(env.dir, 'copy-search.db'),
      key: randomBytes(32),
    });
    expect(index.refresh()).toEqual({ rebuilt: true, indexed: 1, unreadable: 0 });
    const scoped = reopened.in(workspaceScope(a.ws.id));
    const [hit] = scoped.search.find(words('refund'), { limit: 10 });
    expect(hit?.body).toBe('refund received, thanks');
    scoped.conversations.delete(hit!.conversationId);
    expect(scoped.search.find(words('refund'), { limit: 10 })).toEqual([]);
    reopened.close();
  });

  it("leaves no trace of a deleted message's words in the index (secure-delete)", () => {
    env = tempDatabase();
    const store = env.open();
    const a = workspace(store, 'A', '1001');
    a.write('15550001', 'keep these words', 1000);
    const gone = a.write('15550002', 'zebrafish quagmire', 2000);
    const blocks = () =>
      (
        store.db
          .prepare('SELECT block FROM message_search_data')
          .pluck()
          .all() as Buffer[]
      )
        .map((block) => block.toString('latin1'))
        .join('');
    expect(blocks()).toContain('zebrafish');

    a.scoped.conversations.delete(gone);
    expect(blocks()).not.toContain('zebrafish');
    expect(blocks()).not.toContain('quagmire');
    expect(a.scoped.search.find(words('keep'), { limit: 5 })).toHaveLength(1);
  });

  it('pages latest stored first, without sorting the matches', () => {
    env = tempDatabase();
    const a = workspace(env.open(), 'A', '1001');
    for (let i = 0; i < 5; i += 1) a.write(`1555000${i}`, `order ${i}`, 1000 + i);
    const first = a.scoped.search.find(words('order'), { limit: 2 });
    const last = first.at(-1)!;
    const second = a.scoped.search.find(words('order'), {
      limit: 10,
      after: { seq: last.seq },
    });
    expect([...first, ...second].map((h) => h.body)).toEqual([
      'order 4',
      'order 3',
      'order 2',
      'order 1',
      'order 0',
    ]);
  });
});

it('search walks the index in its own order: no sort of the matches', () => {
  env = tempDatabase();
  const store = env.open();
  const a = workspace(store, 'A', '1001');
  a.write('15550001', 'order one', 1000);
  const plan = store.db
    .prepare(`EXPLAIN QUERY PLAN ${MESSAGE_SEARCH_SQL}`)
    .all('workspace : "w" AND body : ("order")', 'w', 9, 5) as { detail: string }[];
  const details = plan.map((r) => r.detail).join('\n');
  expect(details).toMatch(/^SCAN s VIRTUAL TABLE INDEX/);
  expect(details).not.toMatch(/TEMP B-TREE/);
});

describe('inbox lists', () => {
  const member = { kind: 'member', userId: 'u1' } as const;
  const choices: ConversationFilter[][] = [
    [{}, { assignee: { kind: 'unassigned' } }, { assignee: member }],
    [{}, { status: 'open' }, { status: 'resolved' }],
    [{}, { numberId: 'n1' }],
    [{}, { after: { lastMessageAt: 5, id: 'x' } }],
    [{}, { viewerId: 'u2' }],
  ];
  const combinations = choices.reduce<ConversationFilter[]>(
    (sets, options) => sets.flatMap((set) => options.map((o) => ({ ...set, ...o }))),
    [{}],
  );

  it('each seek the index they name, with no sort, whatever the filters', () => {
    env = tempDatabase();
    const store = env.open();
    for (const filter of combinations) {
      const page = conversationListSql('w1', filter);
      const details = (
        store.db.prepare(`EXPLAIN QUERY PLAN ${page.sql}`).all(...page.params, 50) as {
          detail: string;
        }[]
      ).map((r) => r.detail);
      const about = JSON.stringify(filter);
      expect(
        details.find((d) => d.startsWith('SEARCH v ')),
        about,
      ).toMatch(
        new RegExp(
          // COVERING where the index holds every column the list shows (031).
          `^SEARCH v USING (COVERING )?INDEX ${conversationIndexFor(filter)} \\(workspace_id=\\?`,
        ),
      );
      // The preview's own subquery (one conversation's last message) may sort
      // ties; the list itself must not.
      const list = details.slice(
        0,
        details.findIndex((d) => d.startsWith('CORRELATED SCALAR SUBQUERY')),
      );
      expect(list.join('\n'), about).not.toMatch(/TEMP B-TREE/);
    }
    expect(combinations).toHaveLength(72);
  });

  it('filter by status and number and page by keyset; a new message reopens', () => {
    env = tempDatabase();
    const a = workspace(env.open(), 'A', '1001');
    const ids = [0, 1, 2, 3].map((i) => a.write(`1555000${i}`, `hello ${i}`, 1000 + i));
    a.scoped.conversations.setStatus(ids[1]!, 'resolved');
    a.scoped.conversations.setStatus(ids[2]!, 'pending');

    const list = (filter: ConversationFilter, limit = 10) =>
      a.scoped.conversations.list(filter, limit).map((c) => c.id);
    expect(list({ status: 'open' })).toEqual([ids[3], ids[0]]);
    expect(list({ status: 'resolved', numberId: a.numberId })).toEqual([ids[1]]);
    expect(list({ numberId: 'another' })).toEqual([]);

    const first = a.scoped.conversations.list({}, 3);
    const after = { lastMessageAt: first[2]!.lastMessageAt, id: first[2]!.id };
    expect([...first.map((c) => c.id), ...list({ after })]).toEqual([...ids].reverse());
    expect(a.scoped.conversations.unreadTotal()).toBe(4);

    a.write('15550001', 'one more thing', 2000);
    expect(a.scoped.conversations.get(ids[1]!)?.status).toBe('open');
    expect(a.scoped.conversations.get(ids[1]!)?.number.displayPhoneNumber).toBe(
      '+1 555 1001',
    );
  });
});
