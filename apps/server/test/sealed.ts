import { columnAad, openForContact, type Store } from '@flowgento/store';

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
