import type { DataRequestKind, DataRequestLaw } from '@flowgento/store';
import { authorityInSentence } from './authority-name.ts';
import type { ExportDisclosure, PrivacyPerson } from './export-summary.ts';

/**
 * The words an admin sends a person whose request is refused: the reason,
 * where they can complain, and whom to write to here first. GDPR Art. 12(4)
 * and the DPDP Act (s. 13) ask for the reason and the route of complaint.
 */
export function refusalNotice(input: {
  kind: DataRequestKind;
  law: DataRequestLaw;
  reason: string;
  authority: string;
  disclosure: ExportDisclosure;
}): string {
  const person = (p: PrivacyPerson) =>
    [p.name, p.email, p.phone].filter(Boolean).join(', ');
  // The grievance officer is the DPDP Act's (s. 8(10)); under GDPR the
  // person writes to the privacy contact (or DPO) the notice names.
  const { grievanceOfficer, privacyContact } = input.disclosure;
  const contact =
    input.law === 'GDPR'
      ? (privacyContact ?? grievanceOfficer)
      : (grievanceOfficer ?? privacyContact);
  return [
    `We cannot act on your ${input.kind} request (${input.law}).`,
    `Reason: ${input.reason}`,
    contact ? `You can write to us about this decision: ${person(contact)}.` : null,
    `You have the right to complain to ${authorityInSentence(input.authority)}.`,
    input.law === 'GDPR'
      ? 'You also have the right to seek a judicial remedy before the courts (GDPR Art. 12(4) and 79).'
      : null,
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
}
