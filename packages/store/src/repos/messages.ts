import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { Message, MessageStatus } from '../types.ts';

const MESSAGE_COLUMNS = `id, conversation_id AS conversationId, wa_message_id AS waMessageId,
  direction, type, body, status, error_code AS errorCode, error_title AS errorTitle,
  sent_by AS sentBy, occurred_at AS occurredAt, status_at AS statusAt`;

/**
 * Statuses only move forward. `failed` is final and keeps its error code, and
 * it can only follow `pending` or `sent`: a message already delivered or read
 * is not turned into a failure by a late or forged report.
 */
const rank = (column: string): string =>
  `CASE ${column} WHEN 'pending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2
     WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE -1 END`;
const MOVES_FORWARD = `CASE WHEN @status = 'failed' THEN status IN ('pending', 'sent')
  ELSE ${rank('status')} < ${rank('@status')} AND ${rank('@status')} > 0 END`;

export interface InboundMessageWrite {
  conversationId: string;
  waMessageId: string;
  type: string;
  body: string | null;
  rawJson: string;
  replyToWaMessageId: string | null;
  occurredAt: number;
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
    const inserted = this.store
      .statement(
        `INSERT INTO messages (id, workspace_id, conversation_id, wa_message_id, direction,
           type, body, raw_json, status, reply_to_wa_message_id, occurred_at, created_at)
         VALUES (?, ?, ?, ?, 'inbound', ?, ?, ?, 'received', ?, ?, ?)
         ON CONFLICT (workspace_id, wa_message_id) DO NOTHING`,
      )
      .run(
        id,
        this.scope.workspaceId,
        write.conversationId,
        write.waMessageId,
        write.type,
        write.body,
        write.rawJson,
        write.replyToWaMessageId,
        write.occurredAt,
        this.store.clock.now(),
      );
    return inserted.changes === 1 ? id : null;
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
        input.body,
        input.rawJson,
        input.sentBy,
        now,
        now,
        now,
      );
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
    const early = this.store
      .statement(
        `SELECT status, occurred_at AS occurredAt, error_code AS errorCode,
           error_title AS errorTitle FROM message_statuses
         WHERE workspace_id = ? AND wa_message_id = ? ORDER BY occurred_at`,
      )
      .all(this.scope.workspaceId, waMessageId) as {
      status: string;
      occurredAt: number;
      errorCode: number | null;
      errorTitle: string | null;
    }[];
    const numberId = this.numberOf(id);
    for (const status of early) if (numberId) this.advance(waMessageId, numberId, status);
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
    this.store
      .statement(
        `INSERT INTO message_statuses (workspace_id, number_id, wa_message_id, status,
           occurred_at, recipient_id, error_code, error_title, raw_json, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id, wa_message_id, number_id, status) DO NOTHING`,
      )
      .run(
        this.scope.workspaceId,
        write.numberId,
        write.waMessageId,
        write.status,
        write.occurredAt,
        write.recipientId,
        write.errorCode,
        write.errorTitle,
        write.rawJson,
        this.store.clock.now(),
      );
    return this.advance(write.waMessageId, write.numberId, write);
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

  private advance(
    waMessageId: string,
    numberId: string,
    status: {
      status: string;
      occurredAt: number;
      errorCode: number | null;
      errorTitle: string | null;
    },
  ): string | null {
    const row = this.store
      .statement(
        `UPDATE messages SET status = @status, status_at = @at,
           error_code = coalesce(@code, error_code), error_title = coalesce(@title, error_title)
         WHERE workspace_id = @ws AND wa_message_id = @wamid AND direction = 'outbound'
           AND conversation_id IN
             (SELECT id FROM conversations WHERE workspace_id = @ws AND number_id = @number)
           AND ${MOVES_FORWARD}
         RETURNING id`,
      )
      .get({
        status: status.status,
        at: status.occurredAt,
        code: status.errorCode,
        title: status.errorTitle,
        ws: this.scope.workspaceId,
        wamid: waMessageId,
        number: numberId,
      }) as { id: string } | undefined;
    return row?.id ?? null;
  }

  get(id: string): Message | undefined {
    return this.store
      .statement(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE workspace_id = ? AND id = ?`,
      )
      .get(this.scope.workspaceId, id) as Message | undefined;
  }

  listForConversation(conversationId: string, limit = 500): Message[] {
    return this.store
      .statement(
        `SELECT * FROM (SELECT ${MESSAGE_COLUMNS}, created_at FROM messages
           WHERE workspace_id = ? AND conversation_id = ?
           ORDER BY occurred_at DESC, created_at DESC LIMIT ?)
         ORDER BY occurredAt, created_at`,
      )
      .all(this.scope.workspaceId, conversationId, limit) as Message[];
  }

  count(): number {
    return this.store
      .statement('SELECT count(*) FROM messages WHERE workspace_id = ?')
      .pluck()
      .get(this.scope.workspaceId) as number;
  }
}

export type { MessageStatus };
