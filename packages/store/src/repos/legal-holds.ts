import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';

/** A legal hold: what it covers, why, who placed it and when. */
export interface LegalHold {
  id: string;
  contactId: string | null;
  conversationId: string | null;
  reason: string;
  placedBy: string;
  placedAt: number;
  releasedBy: string | null;
  releasedAt: number | null;
}

/** What a hold may cover; at least one of the two. */
export interface HoldTarget {
  contactId?: string;
  conversationId?: string;
}

const COLUMNS = `id, contact_id AS contactId, conversation_id AS conversationId,
  reason, placed_by AS placedBy, placed_at AS placedAt,
  released_by AS releasedBy, released_at AS releasedAt`;

/** One workspace's legal holds; every statement binds the workspace. */
export class LegalHoldRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  add(target: HoldTarget, reason: string, placedBy: string): LegalHold {
    const id = newId();
    this.store
      .statement(
        `INSERT INTO legal_holds (id, workspace_id, contact_id, conversation_id,
           reason, placed_by, placed_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        target.contactId ?? null,
        target.conversationId ?? null,
        reason,
        placedBy,
        this.store.clock.now(),
      );
    return this.get(id)!;
  }

  get(id: string): LegalHold | undefined {
    return this.store
      .statement(`SELECT ${COLUMNS} FROM legal_holds WHERE workspace_id = ? AND id = ?`)
      .get(this.scope.workspaceId, id) as LegalHold | undefined;
  }

  /** Releases an active hold; false when there was none to release. */
  release(id: string, releasedBy: string): boolean {
    return (
      this.store
        .statement(
          `UPDATE legal_holds SET released_by = ?, released_at = ?
           WHERE workspace_id = ? AND id = ? AND released_at IS NULL`,
        )
        .run(releasedBy, this.store.clock.now(), this.scope.workspaceId, id).changes === 1
    );
  }

  /** Every hold, active ones first, newest first. */
  list(): LegalHold[] {
    return this.store
      .statement(
        `SELECT ${COLUMNS} FROM legal_holds WHERE workspace_id = ?
         ORDER BY released_at IS NOT NULL, placed_at DESC`,
      )
      .all(this.scope.workspaceId) as LegalHold[];
  }

  /**
   * The active holds covering a contact or a conversation. A hold on a
   * contact covers each of its conversations, and a hold on a conversation
   * covers its contact (erasing the contact would delete it).
   */
  activeFor(target: HoldTarget): LegalHold[] {
    return this.store
      .statement(
        `SELECT ${COLUMNS} FROM legal_holds
         WHERE workspace_id = ? AND released_at IS NULL
           AND (contact_id = ? OR conversation_id = ? OR contact_id IN (
             SELECT contact_id FROM conversations WHERE workspace_id = ? AND id = ?)
             OR conversation_id IN (
             SELECT id FROM conversations WHERE workspace_id = ? AND contact_id = ?))
         ORDER BY placed_at`,
      )
      .all(
        this.scope.workspaceId,
        target.contactId ?? null,
        target.conversationId ?? null,
        this.scope.workspaceId,
        target.conversationId ?? null,
        this.scope.workspaceId,
        target.contactId ?? null,
      ) as LegalHold[];
  }
}
