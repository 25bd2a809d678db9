import { AppError, type Clock, type RequestOrigin } from '@flowgento/core';
import type { AuditActor, AuditLog } from '@flowgento/audit';
import type {
  ConsentRecord,
  ConversationFilter,
  ConversationSummary,
  Message,
  Role,
  Store,
  WorkspaceScope,
} from '@flowgento/store';
import { plainGraphReason, type InboundContent } from '@flowgento/whatsapp';
import type { LiveEvents } from './events.ts';
import { mediaViewsFor, type MediaView } from './media-service.ts';
import { serviceWindowClosesAt } from './service-window.ts';
import { assertNoLegalHold } from './retention/legal-holds.ts';
import { removeMediaObjects, type MediaObjects } from './media-objects.ts';

export interface ConversationView extends ConversationSummary {
  /** When free-form replies stop being allowed; null when already closed. */
  windowClosesAt: number | null;
}

/** A message as the thread shows it, with its file when it has one. */
export interface ThreadMessage extends Omit<Message, 'contentJson'> {
  media: MediaView | null;
  /** What an inbound message says, per kind; null for outbound messages. */
  content: InboundContent | null;
}

/** A signed-in member acting in their workspace. */
export interface MemberActing {
  scope: WorkspaceScope;
  actor: Extract<AuditActor, { type: 'user' }>;
  origin: RequestOrigin;
}

/** Roles that answer customers, and so can hold a conversation. */
const ASSIGNEE_ROLES: ReadonlySet<Role> = new Set(['OWNER', 'ADMIN', 'AGENT']);

/** Reading, assigning and deleting a workspace's conversations. */
export class ConversationService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly events: LiveEvents,
    private readonly clock: Clock,
    /** Where media files are; their sealed objects go with the conversation. */
    private readonly objects?: MediaObjects,
  ) {}

  list(
    scope: WorkspaceScope,
    filter?: ConversationFilter,
    limit?: number,
  ): ConversationView[] {
    const now = this.clock.now();
    return this.store
      .in(scope)
      .conversations.list(filter, limit)
      .map((c) => ({
        ...c,
        windowClosesAt: serviceWindowClosesAt(c.lastInboundAt, now),
      }));
  }

  open(
    scope: WorkspaceScope,
    conversationId: string,
  ): {
    conversation: ConversationView;
    /** The number this customer wrote from before changing it, if they did. */
    previousWaId: string | null;
    messages: ThreadMessage[];
    /** The contact's marketing consent; null when nothing was ever recorded. */
    marketing: ConsentRecord | null;
  } {
    const scoped = this.store.in(scope);
    const conversation = scoped.conversations.get(conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
    const media = mediaViewsFor(this.store, scope, conversationId);
    return {
      previousWaId: scoped.contacts.previousOf(conversation.contact.id)?.waId ?? null,
      conversation: {
        ...conversation,
        windowClosesAt: serviceWindowClosesAt(
          conversation.lastInboundAt,
          this.clock.now(),
        ),
      },
      messages: scoped.messages
        .listForConversation(conversationId)
        .map(({ contentJson, ...message }) => ({
          ...message,
          // Our words for Meta's codes, whether the send or a status webhook reported it.
          errorTitle:
            (message.errorCode !== null ? plainGraphReason(message.errorCode) : null) ??
            message.errorTitle,
          media: media.get(message.id) ?? null,
          content:
            contentJson === null ? null : (JSON.parse(contentJson) as InboundContent),
        })),
      marketing: scoped.consent.get(conversation.contact.id, 'marketing') ?? null,
    };
  }

  /** The member has seen the conversation: their unread count clears. */
  markRead(scope: WorkspaceScope, conversationId: string, userId: string): void {
    const marked = this.store.transaction(() =>
      this.store.in(scope).conversations.markRead(conversationId, userId),
    );
    if (!marked) {
      throw new AppError('NOT_FOUND', 'Conversation not found');
    }
  }

  /**
   * Gives the conversation to a member of this workspace, or to nobody. The
   * procedure's permission (`conversations.assign`) limits who may call it.
   */
  assign(acting: MemberActing, conversationId: string, assigneeId: string | null): void {
    this.store.transaction(() => {
      const conversation = this.conversationOrNotFound(acting, conversationId);
      if (assigneeId !== null) this.refuseNonAssignee(acting, assigneeId);
      this.setAssignee(acting, conversation, assigneeId);
    });
    this.publishAssigned(acting, conversationId);
  }

  /** The caller takes an unassigned conversation; one held by someone else stays theirs. */
  take(acting: MemberActing, conversationId: string): void {
    const me = acting.actor.id;
    this.store.transaction(() => {
      const conversation = this.conversationOrNotFound(acting, conversationId);
      const holder = conversation.assignee;
      if (holder?.userId === me) return;
      if (holder) {
        throw new AppError(
          'CONFLICT',
          `${holder.displayName} already has this conversation; an OWNER or ADMIN can reassign it`,
          { reason: 'already_assigned' },
        );
      }
      this.refuseNonAssignee(acting, me);
      this.setAssignee(acting, conversation, me);
    });
    this.publishAssigned(acting, conversationId);
  }

  /** The caller gives back a conversation they hold. */
  release(acting: MemberActing, conversationId: string): void {
    this.store.transaction(() => {
      const conversation = this.conversationOrNotFound(acting, conversationId);
      const holder = conversation.assignee;
      if (!holder) return;
      if (holder.userId !== acting.actor.id) {
        throw new AppError(
          'FORBIDDEN',
          `This conversation is ${holder.displayName}'s; an OWNER or ADMIN can reassign it`,
          { reason: 'not_assignee' },
        );
      }
      this.setAssignee(acting, conversation, null);
    });
    this.publishAssigned(acting, conversationId);
  }

  delete(
    acting: { scope: WorkspaceScope; actor: AuditActor; origin: RequestOrigin },
    conversationId: string,
  ): void {
    const keys = this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      // A hold on the conversation, or on its contact, keeps it.
      assertNoLegalHold(scoped, { conversationId });
      const files = scoped.media.listForConversation(conversationId);
      if (!scoped.conversations.delete(conversationId)) {
        throw new AppError('NOT_FOUND', 'Conversation not found');
      }
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'conversation.deleted',
        target: { type: 'conversation', id: conversationId },
        origin: acting.origin,
      });
      return files.flatMap((file) => (file.objectKey ? [file.objectKey] : []));
    });
    // Only once the rows are gone: a failed removal leaves an unreachable
    // sealed object (whose key went with its row), never a row without file.
    if (this.objects) void removeMediaObjects(this.objects, acting.scope, keys);
    this.events.publish(acting.scope.workspaceId, {
      type: 'conversation.deleted',
      conversationId,
    });
  }

  private conversationOrNotFound(acting: MemberActing, id: string): ConversationSummary {
    const conversation = this.store.in(acting.scope).conversations.get(id);
    if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
    return conversation;
  }

  /** Another workspace's user or a former member is, here, nobody. */
  private refuseNonAssignee(acting: MemberActing, userId: string): void {
    const member = this.store.in(acting.scope).members.get(userId);
    if (!member || !ASSIGNEE_ROLES.has(member.role)) {
      throw new AppError('NOT_FOUND', 'No such member in this workspace', {
        reason: 'assignee_not_member',
      });
    }
  }

  private setAssignee(
    acting: MemberActing,
    conversation: ConversationSummary,
    assigneeId: string | null,
  ): void {
    const from = conversation.assignee?.userId ?? null;
    if (from === assigneeId) return;
    const conversations = this.store.in(acting.scope).conversations;
    if (!conversations.assign(conversation.id, from, assigneeId)) {
      throw new AppError('CONFLICT', 'The assignment changed a moment ago; try again');
    }
    this.audit.record({
      workspaceId: acting.scope.workspaceId,
      actor: acting.actor,
      action: 'conversation.assigned',
      target: { type: 'conversation', id: conversation.id },
      origin: acting.origin,
      details: { from, to: assigneeId },
    });
  }

  private publishAssigned(acting: MemberActing, conversationId: string): void {
    this.events.publish(acting.scope.workspaceId, {
      type: 'conversation.assigned',
      conversationId,
    });
  }
}
