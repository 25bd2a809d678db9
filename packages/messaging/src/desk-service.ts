import { AppError } from '@flowgento/core';
import type { AuditLog } from '@flowgento/audit';
import type {
  ConversationStatus,
  ConversationSummary,
  Contact,
  NoteRecord,
  SearchCursor,
  Store,
  WorkspaceScope,
} from '@flowgento/store';
import type { MemberActing } from './conversation-service.ts';
import type { LiveEvents } from './events.ts';
import { parseSearchQuery, snippetOf, type Snippet } from './search-text.ts';

/** One search result as the desk shows it. */
export interface SearchResult {
  messageId: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  occurredAt: number;
  contact: { name: string | null; waId: string };
  snippet: Snippet;
}

/** A contact as the profile panel shows it. */
export interface ContactProfile {
  contact: Contact;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  /** When the profile name was corrected at the person's request; null: WhatsApp's. */
  nameCorrectedAt: number | null;
  conversations: Pick<
    ConversationSummary,
    'id' | 'number' | 'status' | 'lastMessageAt' | 'unreadCount'
  >[];
  notes: NoteRecord[];
}

const PAGE = 20;

/**
 * The agent desk beyond reading and assigning: a conversation's status,
 * search, the contact's profile and the team's internal notes.
 */
export class DeskService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly events: LiveEvents,
  ) {}

  /**
   * Messages of the caller's workspace holding every word of `query`,
   * latest stored first, a page at a time.
   */
  search(
    scope: WorkspaceScope,
    query: string,
    after?: SearchCursor,
  ): { results: SearchResult[]; next: SearchCursor | null; contactIds: string[] } {
    const terms = parseSearchQuery(query);
    const hits = this.store.in(scope).search.find(terms, { after, limit: PAGE + 1 });
    const page = hits.slice(0, PAGE);
    const last = page.at(-1);
    return {
      results: page.map((hit) => ({
        messageId: hit.messageId,
        conversationId: hit.conversationId,
        direction: hit.direction,
        occurredAt: hit.occurredAt,
        contact: { name: hit.contactName, waId: hit.contactWaId },
        snippet: snippetOf(hit.body, terms),
      })),
      next: hits.length > PAGE && last ? { seq: last.seq } : null,
      /** Whose messages the page showed, for the access log. */
      contactIds: [...new Set(page.map((hit) => hit.contactId))],
    };
  }

  /**
   * The workspace's numbers as the inbox names them: no settings, no
   * secrets, so every member can filter by number.
   */
  numbers(scope: WorkspaceScope): { id: string; displayPhoneNumber: string }[] {
    return this.store
      .in(scope)
      .numbers.list()
      .map((n) => ({ id: n.id, displayPhoneNumber: n.displayPhoneNumber }));
  }

  /**
   * What `userId` has not read: over the whole inbox, and over the
   * conversations they hold.
   */
  unread(scope: WorkspaceScope, userId: string): { total: number; mine: number } {
    const conversations = this.store.in(scope).conversations;
    return {
      total: conversations.unreadTotal({ viewerId: userId }),
      mine: conversations.unreadTotal({
        assignee: { kind: 'member', userId },
        viewerId: userId,
      }),
    };
  }

  /** Marks a conversation open, pending or resolved; audited when it changes. */
  setStatus(
    acting: MemberActing,
    conversationId: string,
    status: ConversationStatus,
  ): void {
    const changed = this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      const conversation = scoped.conversations.get(conversationId);
      if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
      if (conversation.status === status) return false;
      if (!scoped.conversations.setStatus(conversationId, status)) {
        throw new AppError('NOT_FOUND', 'Conversation not found');
      }
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'conversation.status_changed',
        target: { type: 'conversation', id: conversationId },
        origin: acting.origin,
        details: { from: conversation.status, to: status },
      });
      return true;
    });
    if (changed) this.publishChanged(acting, conversationId);
  }

  /** The contact behind a conversation, with their history and notes. */
  contactOf(
    scope: WorkspaceScope,
    conversationId: string,
    viewerId: string,
  ): ContactProfile {
    const scoped = this.store.in(scope);
    const conversation = scoped.conversations.get(conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
    const contact = conversation.contact;
    return {
      contact,
      ...scoped.contacts.seen(contact.id),
      nameCorrectedAt: scoped.contacts.get(contact.id)?.profileNameCorrectedAt ?? null,
      conversations: scoped.conversations
        .listForContact(contact.id, viewerId)
        .map((c) => ({
          id: c.id,
          number: c.number,
          status: c.status,
          lastMessageAt: c.lastMessageAt,
          unreadCount: c.unreadCount,
        })),
      notes: scoped.notes.listForContact(contact.id),
    };
  }

  /**
   * Writes an internal note on the conversation's contact. It is stored and
   * shown to the team only; nothing here reaches the Graph API.
   */
  /** Adds an internal note; `aboutOther` withholds it from the contact's export. */
  addNote(
    acting: MemberActing,
    conversationId: string,
    body: string,
    aboutOther = false,
  ): { id: string } {
    const id = this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      const conversation = scoped.conversations.get(conversationId);
      if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
      const noteId = scoped.notes.add({
        contactId: conversation.contact.id,
        conversationId,
        authorId: acting.actor.id,
        body,
        aboutOther,
      });
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'note.added',
        target: { type: 'contact', id: conversation.contact.id },
        origin: acting.origin,
        details: { conversationId },
      });
      return noteId;
    });
    this.publishChanged(acting, conversationId);
    return { id };
  }

  private publishChanged(acting: MemberActing, conversationId: string): void {
    this.events.publish(acting.scope.workspaceId, {
      type: 'conversation.changed',
      conversationId,
    });
  }
}
