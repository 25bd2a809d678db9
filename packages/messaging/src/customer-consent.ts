import type { CustomerConsentChange, ScopedStore } from '@flowgento/store';

/**
 * A customer's own STOP or START, by keyword or in WhatsApp's menu.
 *
 * A STOP withdraws marketing and every purpose of the workspace's own the
 * customer is opted in to (surveys, say): those are messages the business
 * starts, and a person who writes STOP wants none of them. Meta's 131050
 * error speaks of marketing only and withdraws only that.
 *
 * A START lifts the marketing opt-out only, and only of a consent once
 * given with a notice (see `ConsentRepo.resume`); a purpose of the
 * workspace's own comes back only with a new opt-in a member records.
 */
export function customerStops(
  scoped: ScopedStore,
  change: CustomerConsentChange,
): boolean {
  const others = scoped.consent
    .optedInPurposes(change.contactId)
    .filter((purpose) => purpose !== 'marketing');
  let moved = false;
  for (const purpose of ['marketing', ...others]) {
    const withdrawn = scoped.consent.record({
      ...change,
      purpose,
      state: 'opted_out',
    });
    moved = withdrawn || moved;
  }
  return moved;
}

/** A customer's START or resume of marketing; returns whether consent moved. */
export function customerResumes(
  scoped: ScopedStore,
  change: CustomerConsentChange,
): boolean {
  return scoped.consent.resume({ ...change, purpose: 'marketing' });
}
