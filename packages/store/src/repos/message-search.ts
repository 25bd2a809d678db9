import { AppError } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { MessageDirection } from '../types.ts';
import { ContactCipher, columnAad } from '../contact-seal.ts';

/** One message a search found, latest stored first. */
export interface SearchHit {
  /** Its place in the index, growing as messages are stored: the page cursor. */
  seq: number;
  messageId: string;
  conversationId: string;
  direction: MessageDirection;
  body: string;
  occurredAt: number;
  contactId: string;
  contactName: string | null;
  contactWaId: string;
}

/** Where the next page of results starts: below this `seq`. */
export interface SearchCursor {
  seq: number;
}

/**
 * One page of matches, in the index's order. Parameters: the MATCH
 * expression, the workspace id, the `seq` to start below, the page size.
 */
export const MESSAGE_SEARCH_SQL = `
  SELECT s.rowid AS seq, m.id AS messageId, m.conversation_id AS conversationId,
     m.direction, m.body, m.occurred_at AS occurredAt, c.profile_name AS contactName,
     c.wa_id AS contactWaId, c.id AS contactId
   FROM search.message_search s
   JOIN search.message_keys k ON k.seq = s.rowid
   JOIN main.messages m ON m.id = k.message_id
   JOIN main.conversations v ON v.id = m.conversation_id AND v.workspace_id = m.workspace_id
   JOIN main.contacts c ON c.id = v.contact_id
   WHERE message_search MATCH ? AND m.workspace_id = ? AND s.rowid < ?
   ORDER BY s.rowid DESC LIMIT ?`;

/**
 * Full-text search over one workspace's messages (`SearchIndex`). The
 * caller passes terms, never an FTS5 expression: each is quoted here, so
 * nothing a user types is read as query syntax, and the workspace's token
 * is ANDed in front of them, so no query can leave it out.
 */
export class MessageSearchRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /**
   * Messages holding every term (a term with `prefix` matches words that
   * start with it), latest stored first. `terms` must be non-empty. The
   * order is the index's own (its rowid, descending), so FTS5 stops after
   * one page instead of sorting every match: a message delivered late with
   * an old timestamp ranks by when it arrived.
   */
  find(
    terms: readonly { text: string; prefix: boolean }[],
    options: { after?: SearchCursor; limit: number },
  ): SearchHit[] {
    if (terms.length === 0) throw new Error('A search needs at least one term');
    if (!this.store.searchIndex) {
      throw new AppError('PRECONDITION_FAILED', 'Message search is not available yet', {
        reason: 'search_index_not_open',
      });
    }
    const words = terms
      .map((t) => `"${t.text.replaceAll('"', '""')}"${t.prefix ? '*' : ''}`)
      .join(' ');
    const match = `workspace : "${workspaceToken(this.scope.workspaceId)}" AND body : (${words})`;
    const after = options.after;
    const hits = this.store
      .statement(MESSAGE_SEARCH_SQL)
      .all(
        match,
        this.scope.workspaceId,
        after?.seq ?? Number.MAX_SAFE_INTEGER,
        options.limit,
      ) as SearchHit[];
    // The index matched plaintext tokens; the rows hold sealed text.
    const cipher = new ContactCipher(this.store.contactKeys, this.scope.workspaceId);
    return hits.map((hit) => ({
      ...hit,
      body: cipher.open(
        hit.contactId,
        hit.body,
        columnAad('messages', hit.messageId, 'body'),
      ),
      contactName: cipher.open(
        hit.contactId,
        hit.contactName,
        columnAad('contacts', hit.contactId, 'profile_name'),
      ),
      contactWaId: cipher.open(
        hit.contactId,
        hit.contactWaId,
        columnAad('contacts', hit.contactId, 'wa_id'),
      ),
    }));
  }
}

/** The workspace id as the index holds it: one token, without hyphens. */
function workspaceToken(workspaceId: string): string {
  return workspaceId.replaceAll('-', '');
}
