import type { ComplianceActing } from './acting.ts';

/**
 * Erases one contact everywhere (issue #8, part 1). The erasure service of
 * the shred work implements it; the request desk only calls it.
 */
export interface ContactEraser {
  erase(acting: ComplianceActing, contactId: string, reason: string): Promise<void>;
}

/**
 * Legal holds block erasure. This stub stands in until the retention work's
 * `legalHolds` repository is merged. // wired at merge
 */
export function assertNoLegalHold(_acting: ComplianceActing, _contactId: string): void {
  // wired at merge: replaced by the real check of `store.in(scope).legalHolds`.
}
