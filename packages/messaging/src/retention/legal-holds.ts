import { AppError, type RequestOrigin } from '@flowgento/core';
import type { AuditActor, AuditLog } from '@flowgento/audit';
import type {
  HoldTarget,
  LegalHold,
  ScopedStore,
  Store,
  WorkspaceScope,
} from '@flowgento/store';

export interface HoldActing {
  scope: WorkspaceScope;
  actor: Extract<AuditActor, { type: 'user' }>;
  origin: RequestOrigin;
}

/**
 * Throws when an active legal hold covers the target: retention (and, once
 * wired, erasure) must not delete it. The error names the hold and its reason.
 */
export function assertNoLegalHold(
  scoped: Pick<ScopedStore, 'legalHolds'>,
  target: HoldTarget,
): void {
  const [hold] = scoped.legalHolds.activeFor(target);
  if (!hold) return;
  throw new AppError(
    'RULE_REFUSED',
    `A legal hold (${hold.id}) keeps this data: ${hold.reason}`,
    { reason: 'legal_hold_active', details: { holdId: hold.id } },
  );
}

/** Placing, releasing and listing a workspace's legal holds, each audited. */
export class LegalHoldService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
  ) {}

  /** `assertNoLegalHold` for a workspace: what erasure calls before it deletes. */
  assertNoLegalHold(scope: WorkspaceScope, target: HoldTarget): void {
    assertNoLegalHold(this.store.in(scope), target);
  }

  list(scope: WorkspaceScope): LegalHold[] {
    return this.store.in(scope).legalHolds.list();
  }

  place(acting: HoldActing, target: HoldTarget, reason: string): LegalHold {
    return this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      const known = target.contactId
        ? scoped.contacts.get(target.contactId)
        : target.conversationId && scoped.conversations.get(target.conversationId);
      if (!known || (target.contactId && target.conversationId)) {
        throw new AppError(
          'NOT_FOUND',
          'Name one contact or conversation of this workspace',
          {
            reason: 'legal_hold_target_unknown',
            details: { field: target.contactId ? 'contactId' : 'conversationId' },
          },
        );
      }
      const hold = scoped.legalHolds.add(target, reason, acting.actor.id);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'legal_hold.placed',
        target: { type: 'legal_hold', id: hold.id },
        origin: acting.origin,
        details: {
          contactId: hold.contactId,
          conversationId: hold.conversationId,
          reason,
        },
      });
      return hold;
    });
  }

  release(acting: HoldActing, holdId: string): void {
    this.store.transaction(() => {
      if (!this.store.in(acting.scope).legalHolds.release(holdId, acting.actor.id)) {
        throw new AppError('NOT_FOUND', 'No active legal hold with this id', {
          reason: 'legal_hold_unknown',
          details: { field: 'holdId' },
        });
      }
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'legal_hold.released',
        target: { type: 'legal_hold', id: holdId },
        origin: acting.origin,
      });
    });
  }
}
