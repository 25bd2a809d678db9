import type { Store } from '../store.ts';
import { columnAad, isSealed, openForContact } from '../contact-seal.ts';

/**
 * Takes a contact's messages out of the search index before they are
 * deleted (an erasure). With the contact's key each body is opened; without
 * it (the ledger's re-apply on a restored database: the key was destroyed)
 * the tokens are read back from the index in ONE pass over
 * `message_search_instance`, where the delete trigger alone would scan the
 * whole index once per message. The rows' own delete triggers then find
 * nothing left to do.
 */
export function dropContactSearchEntries(
  store: Store,
  workspaceId: string,
  contactId: string,
): void {
  const rows = store
    .statement(
      `SELECT k.rowid AS doc, m.id, m.body FROM messages m
       JOIN conversations v ON v.id = m.conversation_id
       JOIN message_search_keys k ON k.message_id = m.id
       WHERE v.workspace_id = ? AND v.contact_id = ?`,
    )
    .all(workspaceId, contactId) as { doc: number; id: string; body: string }[];
  if (rows.length === 0) return;
  const key = store.contactKeys?.contactKey(workspaceId, contactId, false);
  const texts = new Map<number, string>();
  const unreadable = new Set<number>();
  for (const row of rows) {
    if (!isSealed(row.body)) texts.set(row.doc, row.body);
    else if (key) {
      texts.set(
        row.doc,
        openForContact(key, row.body, columnAad('messages', row.id, 'body')),
      );
    } else unreadable.add(row.doc);
  }
  for (const [doc, text] of tokensOf(store, unreadable)) texts.set(doc, text);

  const remove = store.statement(
    `INSERT INTO message_search (message_search, rowid, workspace, body)
     VALUES ('delete', ?, ?, ?)`,
  );
  const forget = store.statement('DELETE FROM message_search_keys WHERE rowid = ?');
  const workspace = workspaceId.replaceAll('-', '');
  for (const { doc } of rows) {
    const text = texts.get(doc);
    if (text !== undefined) remove.run(doc, workspace, text);
    forget.run(doc);
  }
}

/** Each document's body tokens in order, read from the index itself. */
function tokensOf(store: Store, docs: ReadonlySet<number>): Map<number, string> {
  const found = new Map<number, { offset: number; term: string }[]>();
  if (docs.size === 0) return new Map();
  const scan = store.db.prepare(
    `SELECT doc, "offset" AS offset, term FROM message_search_instance WHERE col = 'body'`,
  );
  for (const row of scan.iterate() as Iterable<{
    doc: number;
    offset: number;
    term: string;
  }>) {
    if (!docs.has(row.doc)) continue;
    const list = found.get(row.doc) ?? [];
    list.push({ offset: row.offset, term: row.term });
    found.set(row.doc, list);
  }
  const texts = new Map<number, string>();
  for (const [doc, list] of found) {
    list.sort((a, b) => a.offset - b.offset);
    texts.set(doc, list.map((t) => t.term).join(' '));
  }
  return texts;
}
