import type { Store, WorkspaceScope } from '@flowgento/store';
import type { LiveEvents } from '../events.ts';
import { removeMediaObjects, type MediaObjects } from '../media-objects.ts';

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

  async conversations(scope: WorkspaceScope, ids: readonly string[]): Promise<PurgeCounts> {
    const scoped = this.store.in(scope);
    const { keys, deleted } = this.store.transaction(() => {
      const found: string[] = [];
      const gone: string[] = [];
      for (const id of ids) {
        for (const file of scoped.media.listForConversation(id)) {
          if (file.objectKey) found.push(file.objectKey);
        }
        if (scoped.conversations.delete(id)) gone.push(id);
      }
      return { keys: found, deleted: gone };
    });
    await removeMediaObjects(this.objects, scope, keys);
    for (const conversationId of deleted) {
      this.events.publish(scope.workspaceId, { type: 'conversation.deleted', conversationId });
    }
    return { conversations: deleted.length, mediaObjects: keys.length };
  }

  /** Removes sealed objects whose rows already went. */
  objectsByKey(scope: WorkspaceScope, keys: readonly string[]): Promise<void> {
    return removeMediaObjects(this.objects, scope, keys);
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
