import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { Contact, ConversationStatus, ConversationSummary } from '../types.ts';
import { ContactCipher, columnAad } from '../contact-seal.ts';

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
  status: ConversationStatus;
  numberDisplay: string;
}

/**
 * A conversation as lists show it. Its first two parameters are the viewer:
 * a member sees their own unread count (migration 030), null the team's.
 */
const SUMMARY_SELECT = `
  SELECT v.id, v.number_id AS numberId, v.last_message_at AS lastMessageAt,
    v.last_inbound_at AS lastInboundAt,
    CASE WHEN ? IS NULL THEN v.unread_count
      ELSE max(0, v.inbound_count - coalesce((SELECT r.read_count FROM conversation_reads r
        WHERE r.conversation_id = v.id AND r.user_id = ?), 0)) END AS unreadCount,
    (SELECT coalesce(m.body, '[' || m.type || ']') || char(31) || m.id FROM messages m
       WHERE m.workspace_id = v.workspace_id AND m.conversation_id = v.id
       ORDER BY m.occurred_at DESC, m.created_at DESC
       LIMIT 1) AS lastMessagePreview,
    c.id AS contactId, c.wa_id AS waId, c.profile_name AS profileName,
    c.opted_out_at AS optedOutAt, c.opt_out_source AS optOutSource,
    am.user_id AS assigneeId, au.display_name AS assigneeName,
    v.status, n.display_phone_number AS numberDisplay
  FROM conversations v JOIN contacts c ON c.id = v.contact_id
  JOIN whatsapp_numbers n ON n.id = v.number_id AND n.workspace_id = v.workspace_id
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

/** Where a list page starts: after this conversation, newest first. */
export interface ConversationCursor {
  lastMessageAt: number;
  id: string;
}

/** The inbox's filters, combinable; absent means "any". */
export interface ConversationFilter {
  assignee?: AssigneeFilter;
  status?: ConversationStatus;
  numberId?: string;
  after?: ConversationCursor;
  /** Whose unread counts the page shows; absent: the team's. */
  viewerId?: string;
}

/**
 * The index that serves a list with these filters (migration 029): each
 * leads with the workspace and ends with (last_message_at, id), so a page is
 * one index walk in order, with no sort.
 */
export function conversationIndexFor(filter: ConversationFilter): string {
  const byAssignee = (filter.assignee?.kind ?? 'all') !== 'all';
  if (filter.numberId !== undefined) return 'conversations_by_number';
  if (filter.status !== undefined) {
    return byAssignee ? 'conversations_by_status_assignee' : 'conversations_by_status';
  }
  return byAssignee ? 'conversations_by_assignee' : 'conversations_by_recency';
}

/** The SQL of one list page; its parameters end with the page size. */
export function conversationListSql(
  workspaceId: string,
  filter: ConversationFilter,
): { sql: string; params: unknown[] } {
  const where = listWhere(workspaceId, filter);
  const viewer = filter.viewerId ?? null;
  return {
    sql: `${SUMMARY_SELECT.replace(
      'FROM conversations v',
      `FROM conversations v INDEXED BY ${conversationIndexFor(filter)}`,
    )} WHERE ${where.sql} ORDER BY v.last_message_at DESC, v.id DESC LIMIT ?`,
    params: [viewer, viewer, ...where.params],
  };
}

/** The WHERE clause of a list and its parameters, the workspace always first. */
function listWhere(
  workspaceId: string,
  filter: ConversationFilter,
): { sql: string; params: unknown[] } {
  const parts = ['v.workspace_id = ?'];
  const params: unknown[] = [workspaceId];
  if (filter.numberId !== undefined) {
    parts.push('v.number_id = ?');
    params.push(filter.numberId);
  }
  if (filter.status !== undefined) {
    parts.push('v.status = ?');
    params.push(filter.status);
  }
  const assignee = filter.assignee ?? { kind: 'all' };
  if (assignee.kind === 'unassigned') parts.push('v.assignee_id IS NULL');
  if (assignee.kind === 'member') {
    parts.push('v.assignee_id = ?');
    params.push(assignee.userId);
  }
  if (filter.after) {
    parts.push('(v.last_message_at, v.id) < (?, ?)');
    params.push(filter.after.lastMessageAt, filter.after.id);
  }
  return { sql: parts.join(' AND '), params };
}

/**
 * The preview comes as `<body or [type]><US><message id>`: the id is the
 * AAD a sealed body was bound to. Text and name are opened with the
 * contact's key (issue 8).
 */
const toSummary = (cipher: ContactCipher, row: SummaryRow): ConversationSummary => {
  const contact: Contact = {
    id: row.contactId,
    waId: cipher.open(
      row.contactId,
      row.waId,
      columnAad('contacts', row.contactId, 'wa_id'),
    ),
    profileName: cipher.open(
      row.contactId,
      row.profileName,
      columnAad('contacts', row.contactId, 'profile_name'),
    ),
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
    lastMessagePreview: openPreview(cipher, row.contactId, row.lastMessagePreview),
    status: row.status,
    number: { id: row.numberId, displayPhoneNumber: row.numberDisplay },
    // Joined through the membership, so only a member of this workspace shows.
    assignee:
      row.assigneeId === null
        ? null
        : { userId: row.assigneeId, displayName: row.assigneeName ?? '' },
  };
};

function openPreview(
  cipher: ContactCipher,
  contactId: string,
  stored: string | null,
): string | null {
  if (stored === null) return null;
  const cut = stored.lastIndexOf('\u001f');
  const text = stored.slice(0, cut);
  return cipher.open(
    contactId,
    text,
    columnAad('messages', stored.slice(cut + 1), 'body'),
  );
}

export class ConversationRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  private cipher(): ContactCipher {
    return new ContactCipher(this.store.contactKeys, this.scope.workspaceId);
  }

  /** Records an inbound message's arrival; returns the conversation id. */
  touchInbound(numberId: string, contactId: string, occurredAt: number): string {
    return this.store
      .statement(
        `INSERT INTO conversations (id, workspace_id, number_id, contact_id, last_message_at,
           last_inbound_at, unread_count, inbound_count, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?)
         ON CONFLICT (workspace_id, number_id, contact_id) DO UPDATE SET
           last_message_at = max(conversations.last_message_at, excluded.last_message_at),
           last_inbound_at = max(coalesce(conversations.last_inbound_at, 0),
             excluded.last_inbound_at),
           unread_count = conversations.unread_count + 1,
           inbound_count = conversations.inbound_count + 1,
           status = iif(conversations.status = 'resolved', 'open', conversations.status)
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

  /** One page of the inbox, newest first; `filter.after` continues a page. */
  list(filter: ConversationFilter = {}, limit = 200): ConversationSummary[] {
    const page = conversationListSql(this.scope.workspaceId, filter);
    const rows = this.store
      .statement(page.sql)
      .all(...page.params, limit) as SummaryRow[];
    const cipher = this.cipher();
    return rows.map((row) => toSummary(cipher, row));
  }

  /** Unread messages over the conversations a filter holds. */
  unreadTotal(filter: ConversationFilter = {}): number {
    const bare = { ...filter, after: undefined };
    const where = listWhere(this.scope.workspaceId, bare);
    const viewer = filter.viewerId ?? null;
    return this.store
      .statement(
        `SELECT coalesce(sum(CASE WHEN ? IS NULL THEN v.unread_count
           ELSE max(0, v.inbound_count - coalesce(r.read_count, 0)) END), 0)
         FROM conversations v INDEXED BY ${conversationIndexFor(bare)}
         LEFT JOIN conversation_reads r ON r.conversation_id = v.id AND r.user_id = ?
         WHERE ${where.sql}`,
      )
      .pluck()
      .get(viewer, viewer, ...where.params) as number;
  }

  /** Sets the status; false when the conversation is not in this workspace. */
  setStatus(id: string, status: ConversationStatus): boolean {
    return (
      this.store
        .statement(
          'UPDATE conversations SET status = ? WHERE workspace_id = ? AND id = ?',
        )
        .run(status, this.scope.workspaceId, id).changes === 1
    );
  }

  /** A contact's conversations, on every number, newest first. */
  listForContact(
    contactId: string,
    viewerId: string | null = null,
  ): ConversationSummary[] {
    const rows = this.store
      .statement(
        `${SUMMARY_SELECT} WHERE v.workspace_id = ? AND v.contact_id = ?
         ORDER BY v.last_message_at DESC LIMIT 50`,
      )
      .all(viewerId, viewerId, this.scope.workspaceId, contactId) as SummaryRow[];
    const cipher = this.cipher();
    return rows.map((row) => toSummary(cipher, row));
  }

  /** Every conversation of a contact, oldest first, however many (an export). */
  allForContact(contactId: string): ConversationSummary[] {
    const rows = this.store
      .statement(
        `${SUMMARY_SELECT} WHERE v.workspace_id = ? AND v.contact_id = ?
         ORDER BY v.last_message_at, v.id`,
      )
      .all(null, null, this.scope.workspaceId, contactId) as SummaryRow[];
    const cipher = this.cipher();
    return rows.map((row) => toSummary(cipher, row));
  }

  /** One conversation; with `viewerId`, the unread count is that member's. */
  get(id: string, viewerId: string | null = null): ConversationSummary | undefined {
    const row = this.store
      .statement(`${SUMMARY_SELECT} WHERE v.workspace_id = ? AND v.id = ?`)
      .get(viewerId, viewerId, this.scope.workspaceId, id) as SummaryRow | undefined;
    return row && toSummary(this.cipher(), row);
  }

  /**
   * `userId` has read everything the customer wrote so far; the team's
   * count clears too. False when the conversation is not in this workspace.
   */
  markRead(id: string, userId: string): boolean {
    const changed =
      this.store
        .statement(
          'UPDATE conversations SET unread_count = 0 WHERE workspace_id = ? AND id = ?',
        )
        .run(this.scope.workspaceId, id).changes === 1;
    if (!changed) return false;
    this.store
      .statement(
        `INSERT INTO conversation_reads (workspace_id, conversation_id, user_id, read_count)
         SELECT workspace_id, id, ?, inbound_count FROM conversations
         WHERE workspace_id = ? AND id = ?
         ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_count = excluded.read_count`,
      )
      .run(userId, this.scope.workspaceId, id);
    return true;
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
