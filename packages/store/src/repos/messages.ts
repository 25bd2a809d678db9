import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { Message, MessageStatus } from '../types.ts';
import { ContactCipher, columnAad } from '../contact-seal.ts';
import { addToIndex } from '../search-index.ts';
import { sealStatusRecipient } from './status-seal.ts';

const MESSAGE_COLUMNS = `id, conversation_id AS conversationId, wa_message_id AS waMessageId,
  direction, type, body, status, error_code AS errorCode, error_title AS errorTitle,
  sent_by AS sentBy, occurred_at AS occurredAt, status_at AS statusAt,
  reply_to_wa_message_id AS replyToWaMessageId, content_json AS contentJson`;

/**
 * Statuses only move forward. `failed` is final and keeps its error code, and
 * it can only follow `pending` or `sent`: a message already delivered or read
 * is not turned into a failure by a late report.
 */
const RANK: Readonly<Record<string, number>> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
};

function movesForward(from: string, to: string): boolean {
  if (to === 'failed') return from === 'pending' || from === 'sent';
  const rank = RANK[to] ?? -1;
  return (RANK[from] ?? -1) < rank && rank > 0;
}

interface KeptStatus {
  status: string;
  occurredAt: number;
  errorCode: number | null;
  errorTitle: string | null;
}

export interface InboundMessageWrite {
  conversationId: string;
  waMessageId: string;
  type: string;
  body: string | null;
  rawJson: string;
  replyToWaMessageId: string | null;
  occurredAt: number;
  /** What the agent is shown of the message, as JSON; see `MessageContent`. */
  contentJson?: string | null;
}

export interface StatusWrite {
  /** The number whose app signed the report; it only moves that number's messages. */
  numberId: string;
  waMessageId: string;
  status: string;
  occurredAt: number;
  recipientId: string;
  errorCode: number | null;
  errorTitle: string | null;
  rawJson: string;
}

export class MessageRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /** Stores an inbound message once; false when its wamid was already stored. */
  insertInbound(write: InboundMessageWrite): string | null {
    const id = newId();
    const seal = this.sealerFor(write.conversationId, id);
    const inserted = this.store
      .statement(
        `INSERT INTO messages (id, workspace_id, conversation_id, wa_message_id, direction,
           type, body, raw_json, status, reply_to_wa_message_id, occurred_at, created_at,
           content_json)
         VALUES (?, ?, ?, ?, 'inbound', ?, ?, ?, 'received', ?, ?, ?, ?)
         ON CONFLICT (workspace_id, wa_message_id) DO NOTHING`,
      )
      .run(
        id,
        this.scope.workspaceId,
        write.conversationId,
        write.waMessageId,
        write.type,
        seal('body', write.body),
        seal('raw_json', write.rawJson),
        write.replyToWaMessageId,
        write.occurredAt,
        this.store.clock.now(),
        seal('content_json', write.contentJson ?? null),
      );
    if (inserted.changes !== 1) return null;
    if (seal.sealing) addToIndex(this.store, this.scope.workspaceId, id, write.body);
    return id;
  }

  exists(waMessageId: string): boolean {
    return (
      this.store
        .statement('SELECT 1 FROM messages WHERE workspace_id = ? AND wa_message_id = ?')
        .get(this.scope.workspaceId, waMessageId) !== undefined
    );
  }

  /** An outbound message before Meta has accepted it. */
  insertOutbound(input: {
    conversationId: string;
    body: string;
    sentBy: string;
    rawJson: string;
    /** `text` unless said otherwise; a template send is `template`. */
    type?: 'text' | 'template';
  }): string {
    const id = newId();
    const now = this.store.clock.now();
    const seal = this.sealerFor(input.conversationId, id);
    this.store
      .statement(
        `INSERT INTO messages (id, workspace_id, conversation_id, direction, type, body,
           raw_json, status, sent_by, occurred_at, created_at, status_at)
         VALUES (?, ?, ?, 'outbound', ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        input.conversationId,
        input.type ?? 'text',
        seal('body', input.body),
        seal('raw_json', input.rawJson),
        input.sentBy,
        now,
        now,
        now,
      );
    if (seal.sealing) addToIndex(this.store, this.scope.workspaceId, id, input.body);
    return id;
  }

  /** Records Meta's id for an accepted send, then applies statuses that came first. */
  markAccepted(id: string, waMessageId: string): void {
    this.store
      .statement(
        `UPDATE messages SET wa_message_id = ?, status = 'sent', status_at = ?,
           error_code = NULL, error_title = NULL
         WHERE workspace_id = ? AND id = ? AND status = 'pending'`,
      )
      .run(waMessageId, this.store.clock.now(), this.scope.workspaceId, id);
    const numberId = this.numberOf(id);
    if (numberId) this.advance(waMessageId, numberId);
  }

  /**
   * Notes why a pending message waits for another attempt; it stays
   * pending, and the conversation shows the reason until it goes out.
   */
  markRetrying(id: string, errorCode: number | null, errorTitle: string): void {
    this.store
      .statement(
        `UPDATE messages SET error_code = ?, error_title = ?
         WHERE workspace_id = ? AND id = ? AND status = 'pending'`,
      )
      .run(errorCode, errorTitle, this.scope.workspaceId, id);
  }

  markFailed(id: string, errorCode: number | null, errorTitle: string): void {
    this.store
      .statement(
        `UPDATE messages SET status = 'failed', error_code = ?, error_title = ?, status_at = ?
         WHERE workspace_id = ? AND id = ?`,
      )
      .run(errorCode, errorTitle, this.store.clock.now(), this.scope.workspaceId, id);
  }

  /**
   * Keeps a status webhook once and moves the message forward if it is known.
   * Returns the message's id when its status changed.
   */
  applyStatus(write: StatusWrite): string | null {
    const stored = sealStatusRecipient(this.store, this.scope.workspaceId, write);
    this.store
      .statement(
        `INSERT INTO message_statuses (workspace_id, number_id, wa_message_id, status,
           occurred_at, recipient_id, recipient_hash, error_code, error_title, raw_json,
           received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id, wa_message_id, number_id, status) DO NOTHING`,
      )
      .run(
        this.scope.workspaceId,
        write.numberId,
        write.waMessageId,
        write.status,
        write.occurredAt,
        stored.recipientId,
        stored.recipientHash,
        write.errorCode,
        write.errorTitle,
        stored.rawJson,
        this.store.clock.now(),
      );
    return this.advance(write.waMessageId, write.numberId);
  }

  private numberOf(messageId: string): string | undefined {
    return this.store
      .statement(
        `SELECT v.number_id FROM messages m JOIN conversations v ON v.id = m.conversation_id
         WHERE m.workspace_id = ? AND m.id = ?`,
      )
      .pluck()
      .get(this.scope.workspaceId, messageId) as string | undefined;
  }

  /**
   * Sets an outbound message's status from every report kept for it, taken
   * in the order Meta stamped them (ties in the order a message lives), so
   * the outcome does not depend on the order the webhooks arrived in.
   * Returns the message's id when its status changed.
   */
  private advance(waMessageId: string, numberId: string): string | null {
    const message = this.store
      .statement(
        `SELECT m.id, m.status FROM messages m JOIN conversations v ON v.id = m.conversation_id
         WHERE m.workspace_id = ? AND m.wa_message_id = ? AND m.direction = 'outbound'
           AND v.number_id = ?`,
      )
      .get(this.scope.workspaceId, waMessageId, numberId) as
      { id: string; status: string } | undefined;
    // Not sent from here (yet): the reports wait in message_statuses.
    if (!message || message.status === 'pending') return null;

    const kept = this.store
      .statement(
        `SELECT status, occurred_at AS occurredAt, error_code AS errorCode,
           error_title AS errorTitle FROM message_statuses
         WHERE workspace_id = ? AND wa_message_id = ? AND number_id = ?`,
      )
      .all(this.scope.workspaceId, waMessageId, numberId) as KeptStatus[];
    kept.sort(
      (a, b) =>
        a.occurredAt - b.occurredAt || (RANK[a.status] ?? -1) - (RANK[b.status] ?? -1),
    );
    let current: KeptStatus | null = null;
    for (const report of kept) {
      if (movesForward(current?.status ?? 'sent', report.status)) current = report;
    }
    if (!current || current.status === message.status) return null;

    this.store
      .statement(
        `UPDATE messages SET status = ?, status_at = ?, error_code = ?, error_title = ?
         WHERE workspace_id = ? AND id = ?`,
      )
      .run(
        current.status,
        current.occurredAt,
        current.errorCode,
        current.errorTitle,
        this.scope.workspaceId,
        message.id,
      );
    return message.id;
  }

  get(id: string): Message | undefined {
    const row = this.store
      .statement(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE workspace_id = ? AND id = ?`,
      )
      .get(this.scope.workspaceId, id) as Message | undefined;
    return row && this.opened(row.conversationId, [row])[0];
  }

  listForConversation(conversationId: string, limit = 500): Message[] {
    const rows = this.store
      .statement(
        `SELECT * FROM (SELECT ${MESSAGE_COLUMNS}, created_at FROM messages
           WHERE workspace_id = ? AND conversation_id = ?
           ORDER BY occurred_at DESC, created_at DESC LIMIT ?)
         ORDER BY occurredAt, created_at`,
      )
      .all(this.scope.workspaceId, conversationId, limit) as Message[];
    return this.opened(conversationId, rows);
  }

  /**
   * One page of a conversation's messages, oldest first, after `after` (the
   * last of the page before): an export walks any number of them in pages.
   */
  pageForConversation(
    conversationId: string,
    after: { occurredAt: number; id: string } | null,
    limit = 500,
  ): Message[] {
    const rows = this.store
      .statement(
        `SELECT ${MESSAGE_COLUMNS} FROM messages
         WHERE workspace_id = ? AND conversation_id = ?
           AND (occurred_at, id) > (?, ?)
         ORDER BY occurred_at, id LIMIT ?`,
      )
      .all(
        this.scope.workspaceId,
        conversationId,
        after?.occurredAt ?? -1,
        after?.id ?? '',
        limit,
      ) as Message[];
    return this.opened(conversationId, rows);
  }

  countForConversation(conversationId: string): number {
    return this.store
      .statement(
        'SELECT count(*) FROM messages WHERE workspace_id = ? AND conversation_id = ?',
      )
      .pluck()
      .get(this.scope.workspaceId, conversationId) as number;
  }

  /** The contact a conversation is with: whose key seals its messages. */
  private contactOf(conversationId: string): string | undefined {
    return this.store
      .statement('SELECT contact_id FROM conversations WHERE workspace_id = ? AND id = ?')
      .pluck()
      .get(this.scope.workspaceId, conversationId) as string | undefined;
  }

  /**
   * Seals a new message's columns under its contact's key (issue 8): once
   * the contact is erased, its key is gone and no snapshot or WAL segment
   * can be read for it. Without a vault the values are kept as they are.
   */
  private sealerFor(conversationId: string, messageId: string) {
    const contactId = this.store.contactKeys ? this.contactOf(conversationId) : undefined;
    const cipher = new ContactCipher(this.store.contactKeys, this.scope.workspaceId);
    const seal = (column: string, plain: string | null) =>
      contactId === undefined
        ? plain
        : cipher.seal(contactId, plain, columnAad('messages', messageId, column));
    return Object.assign(seal, { sealing: contactId !== undefined });
  }

  /** Rows of one conversation with their sealed columns opened. */
  private opened(conversationId: string, rows: Message[]): Message[] {
    const contactId = this.contactOf(conversationId);
    if (contactId === undefined) return rows;
    const cipher = new ContactCipher(this.store.contactKeys, this.scope.workspaceId);
    return rows.map((row) => ({
      ...row,
      body: cipher.open(contactId, row.body, columnAad('messages', row.id, 'body')),
      contentJson: cipher.open(
        contactId,
        row.contentJson,
        columnAad('messages', row.id, 'content_json'),
      ),
    }));
  }

  count(): number {
    return this.store
      .statement('SELECT count(*) FROM messages WHERE workspace_id = ?')
      .pluck()
      .get(this.scope.workspaceId) as number;
  }
}

export type { MessageStatus };
