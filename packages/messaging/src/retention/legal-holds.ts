import { AppError, type RequestOrigin } from '@flowgento/core';
import type { AuditActor, AuditLog } from '@flowgento/audit';
import type {
  HoldTarget,
  LegalHold,
  ScopedStore,
  Store,
  WorkspaceScope,
} from '@flowgento/store';
import { maskReason } from '../reason-masking.ts';

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

/** Whom a hold keeps: the contact's name and masked number, as listed. */
export interface HeldContact {
  name: string | null;
  /** Every digit but the last four hidden; null once the number is gone. */
  maskedNumber: string | null;
}

/** A hold as the Retention page lists it: with the contact it keeps. */
export type ListedLegalHold = LegalHold & { contact: HeldContact | null };

/**
 * The holds of a workspace with the contact each keeps (a conversation's
 * hold names its contact), so that an admin sees what they would release.
 */
export function listHolds(
  scoped: Pick<ScopedStore, 'legalHolds' | 'contacts' | 'conversations'>,
): ListedLegalHold[] {
  return scoped.legalHolds.list().map((hold) => {
    const contact = hold.contactId
      ? scoped.contacts.get(hold.contactId)
      : hold.conversationId
        ? scoped.conversations.get(hold.conversationId)?.contact
        : undefined;
    return {
      ...hold,
      contact: contact
        ? { name: contact.profileName, maskedNumber: maskedNumber(contact.waId) }
        : null,
    };
  });
}

/** "+•••••••1111": enough to tell contacts apart, not to dial one. */
export function maskedNumber(waId: string): string | null {
  const digits = waId.replace(/\D/g, '');
  if (digits.length < 6) return null;
  return `+${'•'.repeat(digits.length - 4)}${digits.slice(-4)}`;
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

  list(scope: WorkspaceScope): ListedLegalHold[] {
    return listHolds(this.store.in(scope));
  }

  place(acting: HoldActing, target: HoldTarget, reason: string): LegalHold {
    return this.store.transaction(() => {
      const scoped = this.store.in(acting.scope);
      const known = target.contactId
        ? scoped.contacts.get(target.contactId)
        : target.conversationId &&
          scoped.conversations.get(target.conversationId)?.contact;
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
      // One active hold per contact or conversation: a second would only
      // need releasing twice; to change the reason, release and place again.
      const same = scoped.legalHolds
        .activeFor(target)
        .find((held) =>
          target.contactId
            ? held.contactId === target.contactId
            : held.conversationId === target.conversationId,
        );
      if (same) {
        const what = target.contactId ? 'contact' : 'conversation';
        throw new AppError(
          'CONFLICT',
          `This ${what} already has an active legal hold (${same.id}): ${same.reason}`,
          { reason: 'legal_hold_exists', details: { holdId: same.id } },
        );
      }
      // The hold and its audit entry outlive the contact it keeps.
      const masked = maskReason(reason, known);
      const hold = scoped.legalHolds.add(target, masked, acting.actor.id);
      this.audit.record({
        workspaceId: acting.scope.workspaceId,
        actor: acting.actor,
        action: 'legal_hold.placed',
        target: { type: 'legal_hold', id: hold.id },
        origin: acting.origin,
        details: {
          contactId: hold.contactId,
          conversationId: hold.conversationId,
          reason: masked,
        },
      });
      return hold;
    });
  }

  /** Releases a hold; the reason is required and kept in the audit entry. */
  release(acting: HoldActing, holdId: string, reason: string): void {
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
        details: { reason: maskReason(reason) },
      });
    });
  }
}
