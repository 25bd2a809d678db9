import { EventEmitter } from 'node:events';
import type { MessageStatus } from '@flowgento/store';

export type LiveEvent =
  | { type: 'message.created'; conversationId: string; messageId: string }
  | {
      type: 'message.status';
      conversationId: string;
      messageId: string;
      status: MessageStatus;
    }
  /** A message's file was stored, or failed for good. */
  | { type: 'message.media'; conversationId: string; messageId: string }
  | { type: 'conversation.deleted'; conversationId: string }
  | { type: 'conversation.assigned'; conversationId: string }
  /** Marked open, pending or resolved, or given a note. */
  | { type: 'conversation.changed'; conversationId: string }
  /** A member left or was removed; the conversations they held are unassigned. */
  | { type: 'assignments.cleared'; userId: string }
  /** A contact's consent moved (keyword, preference webhook, Meta's error, an agent). */
  | { type: 'consent.changed'; contactId: string }
  /** Templates were synced, or Meta decided on one. */
  | { type: 'templates.changed' }
  /** Support access was granted or ended; the banner should be fetched again. */
  | { type: 'support.changed' };

/**
 * In-process fan-out of committed changes to the browsers of one workspace.
 * Events carry ids only; clients fetch content through scoped queries.
 */
export class LiveEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open browser tab; the default cap of 10 is far too low.
    this.emitter.setMaxListeners(0);
  }

  publish(workspaceId: string, event: LiveEvent): void {
    this.emitter.emit(workspaceId, event);
  }

  /** Open live streams (one per signed-in inbox tab), across every workspace. */
  subscriberCount(): number {
    return this.emitter
      .eventNames()
      .reduce((sum, name) => sum + this.emitter.listenerCount(name), 0);
  }

  subscribe(workspaceId: string, listener: (event: LiveEvent) => void): () => void {
    this.emitter.on(workspaceId, listener);
    return () => this.emitter.off(workspaceId, listener);
  }
}
