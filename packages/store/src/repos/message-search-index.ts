import type { Store } from '../store.ts';

/**
 * Indexes a message whose body is sealed (migration 057): the trigger of
 * migration 028 would index ciphertext, so the writer puts the plaintext's
 * tokens in the same transaction as the row. Only tokens are kept
 * (`message_search` is contentless); they leave with the message (the
 * delete triggers of migration 057).
 */
export function indexSealedMessage(
  store: Store,
  workspaceId: string,
  messageId: string,
  body: string | null,
): void {
  if (body === null || body === '') return;
  const rowid = store
    .statement('INSERT INTO message_search_keys (message_id) VALUES (?) RETURNING rowid')
    .pluck()
    .get(messageId) as number;
  store
    .statement('INSERT INTO message_search (rowid, workspace, body) VALUES (?, ?, ?)')
    .run(rowid, workspaceId.replaceAll('-', ''), body);
}
