import type { RequestOrigin } from '@flowgento/core';
import type { AuditActor } from '@flowgento/audit';
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

/** Removes one contact and everything of theirs (`purgingByErasure`). */
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

/**
 * An inactivity purge as an erasure: the ledger entry, the destroyed key and
 * every provider's copy, so a restore cannot bring the contact back. What
 * the appliance and `flowgento retention run` both use.
 */
export function purgingByErasure(erasure: {
  erase(
    acting: { scope: WorkspaceScope; actor: AuditActor; origin: RequestOrigin },
    contactId: string,
    reason: string,
  ): Promise<{ conversations: number; mediaObjects: number }>;
}): ContactPurger {
  return {
    purge: async (scope, contactId) => {
      const outcome = await erasure.erase(
        { scope, actor: { type: 'system', label: 'retention' }, origin: NO_ORIGIN },
        contactId,
        'retention: contact inactive past the workspace rule',
      );
      return { conversations: outcome.conversations, mediaObjects: outcome.mediaObjects };
    },
  };
}

const NO_ORIGIN: RequestOrigin = { ip: null, userAgent: null };
