import { AppError } from '@flowgento/core';
import type { AuditLog } from '@flowgento/audit';
import type { Store } from '@flowgento/store';
import { assertNoLegalHold } from '../retention/legal-holds.ts';
import type { ComplianceActing } from './acting.ts';

/** The contact's fields a person may have corrected (its free text). */
export interface ContactCorrection {
  profileName?: string | null;
}

/**
 * Corrects a contact's profile. The new value replaces the old one in the
 * live record; the audit entry says that a correction happened and which
 * fields, never either value, so the log keeps no copy of the wrong data.
 * A contact under a legal hold is refused (`legal_hold_active`).
 */
export function correctContact(
  store: Store,
  audit: AuditLog,
  acting: ComplianceActing,
  contactId: string,
  correction: ContactCorrection,
  requestId: string | null = null,
): { fields: string[] } {
  const fields = Object.keys(correction).filter(
    (field) => correction[field as keyof ContactCorrection] !== undefined,
  );
  if (fields.length === 0) {
    throw new AppError('INVALID_INPUT', 'Name at least one field to correct');
  }
  return store.transaction(() => {
    const scoped = store.in(acting.scope);
    if (requestId !== null && !scoped.dataRequests.get(requestId)) {
      throw new AppError('NOT_FOUND', 'Request not found', {
        details: { field: 'requestId' },
      });
    }
    // A hold keeps the contact as it is for the court: not even corrected.
    assertNoLegalHold(scoped, { contactId });
    if (!scoped.contacts.correctProfileName(contactId, correction.profileName ?? null)) {
      throw new AppError('NOT_FOUND', 'Contact not found');
    }
    audit.record({
      workspaceId: acting.scope.workspaceId,
      actor: acting.actor,
      action: 'contact.corrected',
      target: { type: 'contact', id: contactId },
      origin: acting.origin,
      details: { fields: fields.join(', '), requestId },
    });
    return { fields };
  });
}
