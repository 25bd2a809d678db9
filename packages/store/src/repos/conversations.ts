import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { Contact, ConversationSummary } from '../types.ts';

interface SummaryRow {
  id: string;
  numberId: string;
  lastMessageAt: number;
  lastInboundAt: number | null;
  unreadCount: number;
  lastMessagePreview: string | null;
  contactId: string;
  waId: string;
  profileName: string | null;
  optedOutAt: number | null;
  optOutSource: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
}

const SUMMARY_SELECT = `
  SELECT v.id, v.number_id AS numberId, v.last_message_at AS lastMessageAt,
    v.last_inbound_at AS lastInboundAt, v.unread_count AS unreadCount,
    (SELECT coalesce(m.body, '[' || m.type || ']') FROM messages m
       WHERE m.workspace_id = v.workspace_id AND m.conversation_id = v.id
       ORDER BY m.occurred_at DESC, m.created_at DESC
       LIMIT 1) AS lastMessagePreview,
    c.id AS contactId, c.wa_id AS waId, c.profile_name AS profileName,
    c.opted_out_at AS optedOutAt, c.opt_out_source AS optOutSource,
    am.user_id AS assigneeId, au.display_name AS assigneeName
  FROM conversations v JOIN contacts c ON c.id = v.contact_id
  LEFT JOIN members am ON am.workspace_id = v.workspace_id AND am.user_id = v.assignee_id
  LEFT JOIN users au ON au.id = am.user_id`;

/** Which conversations a list holds: everyone's, nobody's, or one member's. */
export type AssigneeFilter =
  | { kind: 'all' }
  | { kind: 'unassigned' }
  | {
      kind: 'member';
      userId: string;
    };

/** Where a page of the list ends: its last row's time and id. */
export interface ConversationCursor {
  lastMessageAt: number;
  id: string;
}

/** The extra condition of each filter; only `member` binds a parameter. */
const ASSIGNEE_CONDITION: Record<AssigneeFilter['kind'], string> = {
  all: '',
  unassigned: 'AND v.assignee_id IS NULL',
  member: 'AND v.assignee_id = ?',
};

const toSummary = (row: SummaryRow): ConversationSummary => {
  const contact: Contact = {
    id: row.contactId,
    waId: row.waId,
    profileName: row.profileName,
    optedOutAt: row.optedOutAt,
    optOutSource: row.optOutSource,
  };
  return {
    id: row.id,
    numberId: row.numberId,
    contact,
    lastMessageAt: row.lastMessageAt,
    lastInboundAt: row.lastInboundAt,
    unreadCount: row.unreadCount,
    lastMessagePreview: row.lastMessagePreview,
    // Joined through the membership, so only a member of this workspace shows.
    assignee:
      row.assigneeId === null
        ? null
        : { userId: row.assigneeId, displayName: row.assigneeName ?? '' },
  };
};

export class ConversationRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /** Records an inbound message's arrival; returns the conversation id. */
  touchInbound(numberId: string, contactId: string, occurredAt: number): string {
    return this.store
      .statement(
        `INSERT INTO conversations (id, workspace_id, number_id, contact_id, last_message_at,
           last_inbound_at, unread_count, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 1, ?)
         ON CONFLICT (workspace_id, number_id, contact_id) DO UPDATE SET
           last_message_at = max(conversations.last_message_at, excluded.last_message_at),
           last_inbound_at = max(coalesce(conversations.last_inbound_at, 0),
             excluded.last_inbound_at),
           unread_count = conversations.unread_count + 1
         RETURNING id`,
      )
      .pluck()
      .get(
        newId(),
        this.scope.workspaceId,
        numberId,
        contactId,
        occurredAt,
        occurredAt,
        this.store.clock.now(),
      ) as string;
  }

  touchOutbound(conversationId: string, occurredAt: number): void {
    this.store
      .statement(
        `UPDATE conversations SET last_message_at = max(last_message_at, ?), unread_count = 0
         WHERE workspace_id = ? AND id = ?`,
      )
      .run(occurredAt, this.scope.workspaceId, conversationId);
  }

  /**
   * The most recent conversations first. `before` continues a list after its
   * last row (a keyset page: the cost does not grow with the depth); the id
   * orders conversations whose last message came in the same millisecond.
   */
  list(
    filter: AssigneeFilter = { kind: 'all' },
    limit = 200,
    before?: ConversationCursor,
  ): ConversationSummary[] {
    const byUser = filter.kind === 'member' ? [filter.userId] : [];
    const page = before ? 'AND (v.last_message_at, v.id) < (?, ?)' : '';
    const after = before ? [before.lastMessageAt, before.id] : [];
    const rows = this.store
      .statement(
        `${SUMMARY_SELECT} WHERE v.workspace_id = ? ${ASSIGNEE_CONDITION[filter.kind]}
         ${page} ORDER BY v.last_message_at DESC, v.id DESC LIMIT ?`,
      )
      .all(this.scope.workspaceId, ...byUser, ...after, limit) as SummaryRow[];
    return rows.map(toSummary);
  }

  get(id: string): ConversationSummary | undefined {
    const row = this.store
      .statement(`${SUMMARY_SELECT} WHERE v.workspace_id = ? AND v.id = ?`)
      .get(this.scope.workspaceId, id) as SummaryRow | undefined;
    return row && toSummary(row);
  }

  markRead(id: string): boolean {
    return (
      this.store
        .statement(
          'UPDATE conversations SET unread_count = 0 WHERE workspace_id = ? AND id = ?',
        )
        .run(this.scope.workspaceId, id).changes === 1
    );
  }

  /**
   * Sets the assignee, but only if it is still `expected` (the value the
   * caller decided on), so two people assigning at once cannot both win.
   * The caller checks that `assigneeId` is a member of this workspace.
   */
  assign(id: string, expected: string | null, assigneeId: string | null): boolean {
    return (
      this.store
        .statement(
          `UPDATE conversations SET assignee_id = ?
           WHERE workspace_id = ? AND id = ? AND assignee_id IS ?`,
        )
        .run(assigneeId, this.scope.workspaceId, id, expected).changes === 1
    );
  }

  /** Unassigns everything a leaving member held; returns how many. */
  unassignAllFrom(userId: string): number {
    return this.store
      .statement(
        `UPDATE conversations SET assignee_id = NULL
         WHERE workspace_id = ? AND assignee_id = ?`,
      )
      .run(this.scope.workspaceId, userId).changes;
  }

  /** Deletes the conversation and, by cascade, its messages. */
  delete(id: string): boolean {
    const waIds = this.store
      .statement(
        `SELECT wa_message_id FROM messages
         WHERE workspace_id = ? AND conversation_id = ? AND wa_message_id IS NOT NULL`,
      )
      .pluck()
      .all(this.scope.workspaceId, id) as string[];
    const dropStatus = this.store.statement(
      'DELETE FROM message_statuses WHERE workspace_id = ? AND wa_message_id = ?',
    );
    for (const waId of waIds) dropStatus.run(this.scope.workspaceId, waId);
    return (
      this.store
        .statement('DELETE FROM conversations WHERE workspace_id = ? AND id = ?')
        .run(this.scope.workspaceId, id).changes === 1
    );
  }
}
