import type { Store, WorkspaceScope } from '@flowgento/store';
import type { LiveEvents } from '../events.ts';
import { removeMediaObjects, type MediaObjects } from '../media-objects.ts';

/** Rows gone in a transaction; their objects go once it commits. */
export interface DeletedRows {
  keys: string[];
  conversationIds: string[];
}

/** What a purge removed, for the run's counts. */
export interface PurgeCounts {
  conversations: number;
  mediaObjects: number;
}

/**
 * Removes one contact and everything of theirs. The full erasure (search
 * entries, per-contact key, ledger) is built for issue #8's first part and
 * replaces this default. // wired at merge
 */
export interface ContactPurger {
  purge(scope: WorkspaceScope, contactId: string): Promise<PurgeCounts>;
}

/**
 * Deletes conversations the way a member's delete does: the rows (messages
 * and file rows by cascade) in one transaction, then the sealed objects from
 * every provider that holds a copy. A provider that is down keeps its copy
 * on the locations list, marked to go, and the copy-back job removes it
 * when the provider is back.
 */
export class ConversationPurge {
  constructor(
    private readonly store: Store,
    private readonly objects: MediaObjects,
    private readonly events: LiveEvents,
  ) {}

  /**
   * Deletes the conversations' rows, in the caller's transaction; returns
   * the sealed objects to remove once it commits (`removeObjects`).
   */
  deleteRows(scope: WorkspaceScope, ids: readonly string[]): DeletedRows {
    const scoped = this.store.in(scope);
    const keys: string[] = [];
    const conversationIds: string[] = [];
    for (const id of ids) {
      for (const file of scoped.media.listForConversation(id)) {
        if (file.objectKey) keys.push(file.objectKey);
      }
      if (scoped.conversations.delete(id)) conversationIds.push(id);
    }
    return { keys, conversationIds };
  }

  /** After the rows' transaction: the objects go, and live views are told. */
  async finish(scope: WorkspaceScope, deleted: DeletedRows): Promise<void> {
    await removeMediaObjects(this.objects, scope, deleted.keys);
    for (const conversationId of deleted.conversationIds) {
      this.events.publish(scope.workspaceId, {
        type: 'conversation.deleted',
        conversationId,
      });
    }
  }

  /** Deletes conversations and then their objects, in that order. */
  async conversations(
    scope: WorkspaceScope,
    ids: readonly string[],
  ): Promise<PurgeCounts> {
    const deleted = this.store.transaction(() => this.deleteRows(scope, ids));
    await this.finish(scope, deleted);
    return {
      conversations: deleted.conversationIds.length,
      mediaObjects: deleted.keys.length,
    };
  }
}

/** The default purge: the contact's conversations, their files, then the contact row. */
export class DefaultContactPurger implements ContactPurger {
  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationPurge,
  ) {}

  async purge(scope: WorkspaceScope, contactId: string): Promise<PurgeCounts> {
    const retention = this.store.in(scope).retention;
    const counts = await this.conversations.conversations(
      scope,
      retention.conversationsOf(contactId),
    );
    this.store.transaction(() => {
      retention.deleteContact(contactId);
      retention.forgetNotice(contactId);
    });
    return counts;
  }
}
