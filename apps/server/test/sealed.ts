import { columnAad, openForContact, workspaceScope, type Store } from '@flowgento/store';

/**
 * A column as its repository would read it: values sealed under the
 * contact's key (issue 8) opened, plain ones as they are. For tests that
 * compare rows read with SQL.
 */
export function opened(
  store: Store,
  where: { workspaceId: string; contactId: string; table: string; id: string },
  column: string,
  value: unknown,
): unknown {
  if (typeof value !== 'string') return value;
  const key = store.contactKeys?.contactKey(where.workspaceId, where.contactId, false);
  return openForContact(key, value, columnAad(where.table, where.id, column));
}

/**
 * The id of the contact with this number, in whichever workspace has it:
 * numbers are sealed (migration 058), so tests find contacts as intake does,
 * by the number's keyed hash, instead of `WHERE wa_id = ?`.
 */
export function contactIdOf(store: Store, number: string): string | undefined {
  for (const workspace of store.workspaces.list()) {
    const found = store.in(workspaceScope(workspace.id)).contacts.byWaId(number);
    if (found) return found.id;
  }
  return undefined;
}

/** Every contact's number, opened, sorted: what `SELECT wa_id` used to list. */
export function contactNumbers(store: Store): string[] {
  return store.workspaces
    .list()
    .flatMap((w) => store.in(workspaceScope(w.id)).contacts.all())
    .map((c) => c.waId)
    .sort();
}

/** A contact's number, opened, from its id (as SQL used to read `wa_id`). */
export function numberOfContact(store: Store, contactId: string): string | undefined {
  for (const workspace of store.workspaces.list()) {
    const found = store.in(workspaceScope(workspace.id)).contacts.get(contactId);
    if (found) return found.waId;
  }
  return undefined;
}

/**
 * The raw payload of the first status report with this status, opened:
 * reports naming a contact are sealed under its key (migration 058).
 */
export function statusPayload(store: Store, status: string): string | undefined {
  const row = store.db
    .prepare(
      `SELECT s.workspace_id AS workspaceId, s.raw_json AS raw,
         s.wa_message_id || ':' || s.number_id || ':' || s.status AS id,
         (SELECT k.id FROM contacts k WHERE k.workspace_id = s.workspace_id
            AND k.wa_hash = s.recipient_hash) AS contactId
       FROM message_statuses s WHERE s.status = ?`,
    )
    .get(status) as
    | { workspaceId: string; raw: string; id: string; contactId: string | null }
    | undefined;
  if (!row) return undefined;
  if (row.contactId === null) return row.raw;
  const where = { ...row, contactId: row.contactId, table: 'message_statuses' };
  return opened(store, where, 'raw_json', row.raw) as string;
}

/** The kept webhook values of a field, opened, in every workspace (migration 058). */
export function keptValues(store: Store, field: string): string[] {
  return store.workspaces
    .list()
    .flatMap((w) => store.in(workspaceScope(w.id)).webhookEvents.list(field))
    .map((kept) => kept.rawJson);
}
