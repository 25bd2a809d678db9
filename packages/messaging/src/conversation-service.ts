import { AppError, type RequestOrigin } from '@flowgento/core';
import type { AuditActor, AuditLog } from '@flowgento/audit';
import type {
  ConversationSummary,
  Message,
  Store,
  WorkspaceScope,
} from '@flowgento/store';
import type { LiveEvents } from './events.ts';
import { serviceWindowClosesAt } from './service-window.ts';
import type { Clock } from '@flowgento/core';

export interface ConversationView extends ConversationSummary {
  /** When free-form replies stop being allowed; null when already closed. */
  windowClosesAt: number | null;
}

/** Reading and deleting a workspace's conversations. */
export class ConversationService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly events: LiveEvents,
    private readonly clock: Clock,
  ) {}

  list(scope: WorkspaceScope): ConversationView[] {
    const now = this.clock.now();
    return this.store
      .in(scope)
      .conversations.list()
      .map((c) => ({
        ...c,
        windowClosesAt: serviceWindowClosesAt(c.lastInboundAt, now),
      }));
  }

  open(
    scope: WorkspaceScope,
    conversationId: string,
  ): { conversation: ConversationView; messages: Message[] } {
    const scoped = this.store.in(scope);
    const conversation = scoped.conversations.get(conversationId);
    if (!conversation) throw new AppError('NOT_FOUND', 'Conversation not found');
    return {
      conversation: {
        ...conversation,
        windowClosesAt: serviceWindowClosesAt(
          conversation.lastInboundAt,
          this.clock.now(),
        ),
      },
      messages: scoped.messages.listForConversation(conversationId),
    };
  }

  markRead(scope: WorkspaceScope, conversationId: string): void {
    if (!this.store.in(scope).conversations.markRead(conversationId)) {
      throw new AppError('NOT_FOUND', 'Conversation not found');
    }
  }

  delete(
    acting: { scope: WorkspaceScope; actor: AuditActor; origin: RequestOrigin },
    conversationId: string,
  ): void {
    this.store.transaction(() => {
      if (!this.store.in(acting.scope).conversations.delete(conversationId)) {
        throw new AppError('NOT_FOUND', 'Conversation not found');
      }
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'conversation.deleted',
        target: { type: 'conversation', id: conversationId },
        origin: acting.origin,
      });
    });
    this.events.publish(acting.scope.workspaceId, {
      type: 'conversation.deleted',
      conversationId,
    });
  }
}
