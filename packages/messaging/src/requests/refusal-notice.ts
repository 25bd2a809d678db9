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
  const contact = input.disclosure.grievanceOfficer ?? input.disclosure.privacyContact;
  return [
    `We cannot act on your ${input.kind} request (${input.law}).`,
    `Reason: ${input.reason}`,
    contact ? `You can write to us about this decision: ${person(contact)}.` : null,
    `You have the right to complain to ${authorityInSentence(input.authority)}.`,
  ]
    .filter((line): line is string => line !== null)
    .join('\n');
}
