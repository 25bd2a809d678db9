import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContactVault,
  migrate,
  openEncryptedDatabase,
  SEARCH_INDEX_FILE,
  SearchIndex,
  Store,
  workspaceScope,
  type Db,
} from '../src/index.ts';
import { saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
const opened: { close(): void }[] = [];
afterEach(() => {
  for (const thing of opened.splice(0).reverse()) thing.close();
  env?.cleanup();
});

/** The database as the server opens it: sealed under contact keys, index attached. */
function applianceStore(path = env.path, vault = openVault()): Store {
  const store = new Store(openEncryptedDatabase({ path, key: env.key }));
  migrate(store.db);
  store.contactKeys = vault;
  SearchIndex.attach(store, vault.searchIndexFile()).refresh();
  opened.push(store);
  return store;
}

function openVault(): ContactVault {
  const vault = ContactVault.open(join(env.dir, 'contact-keys.db'), vaultKey);
  opened.push(vault);
  return vault;
}
const vaultKey = randomBytes(32);

let written = 0;
function seed(store: Store, waId: string, text: string) {
  const ws = store.workspaces.list()[0] ?? store.workspaces.create('Acme');
  const scoped = store.in(workspaceScope(ws.id));
  const number =
    scoped.numbers.list()[0] ?? saveTestNumber(scoped, { phoneNumberId: 'p1' });
  const contactId = scoped.contacts.upsert(waId, null);
  const conversationId = scoped.conversations.touchInbound(number.id, contactId, 1000);
  scoped.messages.insertInbound({
    conversationId,
    waMessageId: `wamid.${waId}.${(written += 1)}`,
    type: 'text',
    body: text,
    rawJson: '{}',
    replyToWaMessageId: null,
    occurredAt: 1000,
  });
  return { ws, scoped, contactId };
}

const find = (scoped: ReturnType<Store['in']>, text: string) =>
  scoped.search.find([{ text, prefix: false }], { limit: 10 }).map((hit) => hit.body);

/** Tables of `schema` whose values hold `mark` anywhere, as `table.column`. */
function tracesOf(db: Db, mark: string, schema = 'main'): string[] {
  const tables = db
    .prepare(`SELECT name FROM ${schema}.sqlite_schema WHERE type = 'table'`)
    .pluck()
    .all() as string[];
  return tables.flatMap((table) =>
    (
      db
        .prepare('SELECT name FROM pragma_table_info(?, ?)')
        .pluck()
        .all(table, schema) as string[]
    )
      .filter(
        (column) =>
          (db
            .prepare(
              `SELECT count(*) FROM ${schema}."${table}"
               WHERE instr(CAST("${column}" AS BLOB), CAST(? AS BLOB)) > 0`,
            )
            .pluck()
            .get(mark) as number) > 0,
      )
      .map((column) => `${table}.${column}`),
  );
}

describe('the message search index in its own file', () => {
  it('keeps message words out of flowgento.db, so no backup of it holds them', () => {
    env = tempDatabase();
    const store = applianceStore();
    const { scoped } = seed(store, '15550001', 'zebraquartz invoice');

    expect(find(scoped, 'zebraquartz')).toEqual(['zebraquartz invoice']);
    expect(tracesOf(store.db, 'zebraquartz')).toEqual([]);
    expect(
      store.db
        .prepare("SELECT name FROM main.sqlite_schema WHERE name LIKE '%search%'")
        .pluck()
        .all(),
    ).toEqual([
      'search_sync',
      'search_sync_insert',
      'search_sync_delete',
      'search_sync_update',
    ]);
    // The words are in the index file (an FTS5 table there).
    expect(tracesOf(store.db, 'zebraquartz', 'search').length).toBeGreaterThan(0);
    expect(existsSync(join(env.dir, SEARCH_INDEX_FILE))).toBe(true);
  });

  it("rebuilds from a copy made before an erasure without the erased contact's words", () => {
    env = tempDatabase();
    const vault = openVault();
    const store = applianceStore(env.path, vault);
    const erased = seed(store, '15550001', 'zebraquartz from the erased');
    const kept = seed(store, '15550002', 'yakpotato from the kept');
    const copy = join(env.dir, 'yesterday.db');
    store.db.prepare('VACUUM INTO ?').run(copy);

    const target = erased.scoped.erasure.target(erased.contactId)!;
    store.transaction(() => erased.scoped.erasure.erase(target));
    vault.destroyContactKey(erased.ws.id, erased.contactId);
    expect(find(erased.scoped, 'zebraquartz')).toEqual([]);

    // The copy comes back (a restore): its index is built from its messages.
    store.close();
    const restored = new Store(openEncryptedDatabase({ path: copy, key: env.key }));
    opened.push(restored);
    restored.contactKeys = vault;
    const index = SearchIndex.attach(restored, vault.searchIndexFile());
    expect(index.isCurrent()).toBe(false);
    expect(index.refresh()).toEqual({ rebuilt: true, indexed: 1, unreadable: 1 });
    const scoped = restored.in(workspaceScope(kept.ws.id));
    expect(find(scoped, 'yakpotato')).toEqual(['yakpotato from the kept']);
    expect(find(scoped, 'zebraquartz')).toEqual([]);
    expect(tracesOf(restored.db, 'zebraquartz', 'search')).toEqual([]);
    expect(index.refresh().rebuilt).toBe(false);
  });

  it('notices messages written without the index and rebuilds it', () => {
    env = tempDatabase();
    const store = applianceStore();
    const { scoped } = seed(store, '15550001', 'first words');
    store.close();

    // A connection without the index (a tool with no vault) writes a message.
    const bare = new Store(openEncryptedDatabase({ path: env.path, key: env.key }));
    seed(bare, '15550002', 'lemonfjord written aside');
    bare.close();

    const again = new Store(openEncryptedDatabase({ path: env.path, key: env.key }));
    opened.push(again);
    const vault = openVault();
    again.contactKeys = vault;
    const index = SearchIndex.attach(again, vault.searchIndexFile());
    expect(index.isCurrent()).toBe(false);
    expect(index.refresh()).toMatchObject({ rebuilt: true, indexed: 2 });
    const ws = again.in(workspaceScope(scoped.scope.workspaceId));
    expect(find(ws, 'lemonfjord')).toEqual(['lemonfjord written aside']);
    expect(find(ws, 'first')).toEqual(['first words']);
  });

  it('replaces an index file that does not open with its key, and rebuilds it', () => {
    env = tempDatabase();
    const store = env.open();
    const { scoped } = seed(store, '15550001', 'quokka parcel');
    store.close();

    // Another key (a file left by another installation, say).
    const other = new Store(openEncryptedDatabase({ path: env.path, key: env.key }));
    opened.push(other);
    const index = SearchIndex.attach(other, {
      path: join(env.dir, SEARCH_INDEX_FILE),
      key: randomBytes(32),
    });
    expect(index.refresh()).toMatchObject({ rebuilt: true, indexed: 1 });
    expect(find(other.in(workspaceScope(scoped.scope.workspaceId)), 'quokka')).toEqual([
      'quokka parcel',
    ]);
  });

  it("leaves none of an erased contact's words in the index file or its log", () => {
    env = tempDatabase();
    const vault = openVault();
    const store = applianceStore(env.path, vault);
    const erased = seed(store, '15550001', 'zebraquartz secret');
    seed(store, '15550002', 'keep these words');

    const target = erased.scoped.erasure.target(erased.contactId)!;
    store.transaction(() => erased.scoped.erasure.erase(target));
    store.searchIndex!.checkpoint('TRUNCATE');

    expect(tracesOf(store.db, 'zebraquartz', 'search')).toEqual([]);
    expect(tracesOf(store.db, 'secret', 'search')).toEqual([]);
    expect(find(erased.scoped, 'keep')).toEqual(['keep these words']);
    expect(statSync(join(env.dir, `${SEARCH_INDEX_FILE}-wal`)).size).toBe(0);
    store.db
      .prepare(
        "INSERT INTO search.message_search (message_search, rank) VALUES ('integrity-check', 1)",
      )
      .run();
  });

  it('refuses a search, with a typed error, where no index is attached', () => {
    env = tempDatabase();
    const bare = new Store(openEncryptedDatabase({ path: env.path, key: env.key }));
    opened.push(bare);
    migrate(bare.db);
    const { scoped } = seed(bare, '15550001', 'words');
    expect(() => find(scoped, 'words')).toThrow(
      expect.objectContaining({ code: 'PRECONDITION_FAILED' }),
    );
  });
});
