import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, rmSync } from 'node:fs';
import type { Logger } from '@flowgento/core';
import { isSealed, openForContact, columnAad } from './contact-seal.ts';
import { openEncryptedDatabase, withDefaultCipher } from './database.ts';
import type { Store } from './store.ts';

/** The index's file name in the data folder, beside `flowgento.db`. */
export const SEARCH_INDEX_FILE = 'search-index.db';

/** Where the index file is and the key it is encrypted with. */
export interface SearchIndexFile {
  path: string;
  /** 32 bytes; derived from the contact vault's key (`ContactVault.searchIndexFile`). */
  key: Buffer;
}

/** What `refresh` did. */
export interface SearchIndexRefresh {
  rebuilt: boolean;
  /** Messages indexed by a rebuild. */
  indexed: number;
  /** Sealed messages left out because their contact's key is gone (erased). */
  unreadable: number;
}

/**
 * The full-text index of message text, in its own encrypted SQLite file
 * (issue 8), attached to the store's connection as schema `search`.
 *
 * Everything in `flowgento.db` reaches the backup tier in snapshots and WAL
 * segments that cannot be rewritten, and message text there is sealed under
 * each contact's key, so erasing the key shreds it. An index cannot be
 * sealed that way (a query matches words across every contact), so it is
 * kept out of the backup chain altogether: this file never leaves the
 * machine, and after a restore (or a crash between the two files' commits)
 * it is rebuilt from the sealed messages, where an erased contact's text
 * can no longer be opened and so is never indexed again.
 *
 * Staleness is detected, not assumed: `flowgento.db` counts every change to
 * message text (migration 066's triggers, on every connection), and this
 * file counts the changes it followed (the TEMP triggers below, on each
 * connection that attached it). Unequal counts mean something wrote
 * messages without the index (a restore, a tool without the vault, a crash
 * between the two files' commits), and `refresh` rebuilds it. Each build
 * stamps both files with a random generation, so an older copy of the
 * database whose count happens to match is not taken for current; a
 * restore also removes the file (`removeIndexFiles`).
 *
 * The FTS5 table keeps its own copy of the text (not contentless) so that a
 * row leaves by rowid with `secure-delete`, whoever deletes the message: a
 * cascade, retention, an erasure. SQLite's `secure_delete` zeroes the freed
 * pages, and an erasure checkpoints the file's log (`checkpoint`).
 */
export class SearchIndex {
  readonly #store: Store;
  readonly #timer: NodeJS.Timeout;

  private constructor(store: Store) {
    this.#store = store;
    // Connections run with their own checkpoints off (the backup engine
    // checkpoints flowgento.db alone), so this file's log is kept short here.
    this.#timer = setInterval(() => this.checkpoint('PASSIVE'), 5_000);
    this.#timer.unref();
  }

  /**
   * Attaches the index at `file.path` to `store`'s connection, making the
   * file when missing. A file that does not open with the key (damaged, or
   * left by another installation) is replaced by an empty one: it holds
   * nothing that cannot be rebuilt.
   */
  static attach(store: Store, file: SearchIndexFile): SearchIndex {
    if (file.key.length !== 32) throw new Error('The search index key must be 32 bytes');
    const { db } = store;
    const attach = () => {
      // Made on its own connection: one opened with `mustExist` (the intake
      // thread's) cannot create a file it attaches.
      if (!existsSync(file.path)) openEncryptedDatabase(file).close();
      // Always AEGIS-256, whatever the cipher of flowgento.db (an older file
      // keeps SQLCipher's).
      withDefaultCipher(db, 'aegis-256', () =>
        db
          .prepare('ATTACH DATABASE ? AS search KEY ?')
          .run(file.path, `x'${file.key.toString('hex')}'`),
      );
      db.prepare('SELECT count(*) FROM search.sqlite_schema').get();
    };
    try {
      attach();
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'SQLITE_NOTADB') throw error;
      const attached = db.pragma('database_list') as { name: string }[];
      if (attached.some((entry) => entry.name === 'search'))
        db.exec('DETACH DATABASE search');
      removeIndexFiles(file.path);
      attach();
    }
    chmodSync(file.path, 0o600);
    db.pragma('search.journal_mode = WAL');
    // A lost commit is found by the change count and rebuilt.
    db.pragma('search.synchronous = NORMAL');
    db.pragma('search.secure_delete = ON');
    db.pragma('search.journal_size_limit = 0');
    // Another connection may be rebuilding it: write only to a new file.
    const made = db
      .prepare("SELECT 1 FROM search.sqlite_schema WHERE name = 'sync'")
      .get();
    if (!made) db.exec(SCHEMA);
    db.exec(TRIGGERS);
    const index = new SearchIndex(store);
    store.searchIndex = index;
    return index;
  }

  /**
   * True when the index followed every change to message text since it was
   * last built from this database (same generation, same count).
   */
  isCurrent(): boolean {
    const { db } = this.#store;
    const state = `SELECT changes, generation FROM `;
    const main = db.prepare(`${state} main.search_sync`).get() as SyncState;
    const mine = db.prepare(`${state} search.sync`).get() as SyncState;
    return main.changes === mine.changes && main.generation === mine.generation;
  }

  /**
   * Rebuilds the index from the messages when it missed changes (see the
   * class comment). Sealed text is opened with each contact's key; a
   * contact whose key is gone (erased) is left out. One transaction over
   * both files: nobody writes messages meanwhile.
   */
  refresh(logger?: Logger): SearchIndexRefresh {
    const store = this.#store;
    return store.transaction(() => {
      if (this.isCurrent()) return { rebuilt: false, indexed: 0, unreadable: 0 };
      const started = Date.now();
      store.db.exec(`
        DELETE FROM search.message_keys;
        DROP TABLE search.message_search;
        ${FTS_TABLE}
      `);
      const counts = this.#fill();
      // A copy of flowgento.db from before this build (another history
      // whose count happens to match) is told apart by the generation.
      const generation = randomBytes(16).toString('hex');
      store.db.prepare('UPDATE main.search_sync SET generation = ?').run(generation);
      store.db
        .prepare(
          `UPDATE search.sync SET generation = ?,
             changes = (SELECT changes FROM main.search_sync)`,
        )
        .run(generation);
      logger?.info(
        { ...counts, ms: Date.now() - started },
        'message search index rebuilt from the messages',
      );
      return { rebuilt: true, ...counts };
    });
  }

  #fill(): Omit<SearchIndexRefresh, 'rebuilt'> {
    const store = this.#store;
    const page = store.db.prepare(
      `SELECT m.rowid AS at, m.id, m.workspace_id AS workspaceId, m.body,
         v.contact_id AS contactId
       FROM main.messages m JOIN main.conversations v ON v.id = m.conversation_id
       WHERE m.rowid > ? AND m.body IS NOT NULL AND m.body <> ''
       ORDER BY m.rowid LIMIT 1000`,
    );
    let indexed = 0;
    let unreadable = 0;
    let after = 0;
    for (;;) {
      const rows = page.all(after) as {
        at: number;
        id: string;
        workspaceId: string;
        body: string;
        contactId: string;
      }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        after = row.at;
        const text = this.#plaintext(row);
        if (text === undefined) unreadable += 1;
        else {
          addToIndex(store, row.workspaceId, row.id, text);
          indexed += 1;
        }
      }
    }
    return { indexed, unreadable };
  }

  #plaintext(row: {
    id: string;
    workspaceId: string;
    body: string;
    contactId: string;
  }): string | undefined {
    if (!isSealed(row.body)) return row.body;
    const key = this.#store.contactKeys?.contactKey(
      row.workspaceId,
      row.contactId,
      false,
    );
    if (!key) return undefined;
    return openForContact(key, row.body, columnAad('messages', row.id, 'body'));
  }

  /**
   * Copies the index's log into its file; TRUNCATE (after an erasure)
   * also empties the log, so no page image from before it is left there.
   */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE' = 'TRUNCATE'): void {
    const { db } = this.#store;
    if (!db.open || db.inTransaction) return;
    db.pragma(`search.wal_checkpoint(${mode})`);
  }

  /** Checkpoints and detaches the file (the store's `close` calls it). */
  detach(): void {
    clearInterval(this.#timer);
    const { db } = this.#store;
    if (db.open) {
      this.checkpoint('TRUNCATE');
      db.exec(DROP_TRIGGERS);
      db.exec('DETACH DATABASE search');
    }
    if (this.#store.searchIndex === this) this.#store.searchIndex = undefined;
  }
}

/**
 * Indexes one message's plaintext: the writer of a sealed body calls this
 * in its own transaction (the TEMP trigger indexes plain bodies itself).
 * Without an attached index nothing is written, and the change counts tell
 * the next `refresh` to rebuild.
 */
export function addToIndex(
  store: Store,
  workspaceId: string,
  messageId: string,
  body: string | null,
): void {
  if (!store.searchIndex || body === null || body === '') return;
  const seq = store
    .statement('INSERT INTO search.message_keys (message_id) VALUES (?) RETURNING seq')
    .pluck()
    .get(messageId) as number;
  store
    .statement(
      'INSERT INTO search.message_search (rowid, workspace, body) VALUES (?, ?, ?)',
    )
    .run(seq, workspaceId.replaceAll('-', ''), body);
}

/** Removes an index file and its log (never one that is attached). */
export function removeIndexFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/**
 * `workspace` holds the workspace id without hyphens (one token), so every
 * query names its workspace inside the MATCH expression (see
 * `MessageSearchRepo`).
 */
const FTS_TABLE = `
  CREATE VIRTUAL TABLE IF NOT EXISTS search.message_search USING fts5(
    workspace, body,
    tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO search.message_search (message_search, rank) VALUES ('secure-delete', 1);`;

/**
 * `message_keys.seq` is the FTS5 rowid and the search's page cursor: it
 * grows as messages are stored, and (unlike a message's own rowid) VACUUM
 * never renumbers it. `sync.changes` starts at -1, so a new file is built.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS search.message_keys (
    seq INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE
  ) STRICT;
  ${FTS_TABLE}
  CREATE TABLE IF NOT EXISTS search.sync (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes INTEGER NOT NULL,
    generation TEXT
  ) STRICT;
  INSERT OR IGNORE INTO search.sync (id, changes) VALUES (1, -1);`;

interface SyncState {
  changes: number;
  generation: string | null;
}

const PLAIN = (row: string) =>
  `${row}.body IS NOT NULL AND ${row}.body <> '' AND substr(${row}.body, 1, 5) <> 'fgc1:'`;

const FORGET = `
  DELETE FROM search.message_search WHERE rowid =
    (SELECT seq FROM search.message_keys WHERE message_id = old.id);
  DELETE FROM search.message_keys WHERE message_id = old.id;`;

const INDEX_PLAIN = `
  INSERT INTO search.message_keys (message_id) SELECT new.id WHERE ${PLAIN('new')};
  INSERT INTO search.message_search (rowid, workspace, body)
    SELECT seq, replace(new.workspace_id, '-', ''), new.body
    FROM search.message_keys WHERE message_id = new.id AND ${PLAIN('new')};`;

/**
 * The same events as migration 066's counting triggers in `flowgento.db`,
 * so both counts move together on a connection that has the index.
 */
const TRIGGERS = `
  CREATE TEMP TRIGGER IF NOT EXISTS search_index_insert AFTER INSERT ON main.messages
  BEGIN
    UPDATE search.sync SET changes = changes + 1;
    ${INDEX_PLAIN}
  END;
  CREATE TEMP TRIGGER IF NOT EXISTS search_index_delete AFTER DELETE ON main.messages
  BEGIN
    UPDATE search.sync SET changes = changes + 1;
    ${FORGET}
  END;
  CREATE TEMP TRIGGER IF NOT EXISTS search_index_update AFTER UPDATE OF body ON main.messages
  WHEN new.body IS NOT old.body BEGIN
    UPDATE search.sync SET changes = changes + 1;
    ${FORGET}
    ${INDEX_PLAIN}
  END;`;

const DROP_TRIGGERS = `
  DROP TRIGGER IF EXISTS temp.search_index_insert;
  DROP TRIGGER IF EXISTS temp.search_index_delete;
  DROP TRIGGER IF EXISTS temp.search_index_update;`;
