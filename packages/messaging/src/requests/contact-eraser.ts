import type { ComplianceActing } from './acting.ts';

/**
 * Erases one contact everywhere (issue #8, part 1). The erasure service of
 * the shred work implements it; the request desk only calls it.
 */
export interface ContactEraser {
  erase(acting: ComplianceActing, contactId: string, reason: string): Promise<unknown>;
}
