import { MASKS, NoteRedactor, wordsPattern } from './requests/note-redaction.ts';

/** The contact a free-text reason is about, when it is known. */
export interface ReasonSubject {
  waId: string | null;
  profileName: string | null;
}

/** Parts of a profile name shorter than this are too common to mask. */
const MIN_NAME_PART = 3;

/** The redaction of notes, with nobody exempt and nobody withheld whole. */
const REDACTOR = new NoteRedactor({
  subject: { waId: '', profileName: null },
  others: [],
  members: [],
});

/**
 * A reason staff typed (why a contact is erased, why a legal hold is placed
 * or released) as it may be stored. Such reasons live in the audit log, the
 * erasure ledger and the hold itself, which all outlive the contact, so
 * erasure could never remove a name or an address typed into them. They
 * are masked before they are stored, with the notes' redaction
 * (note-redaction.ts): e-mail addresses, phone numbers, street addresses,
 * birth dates and personal names, and the contact's own profile name and
 * number when known.
 */
export function maskReason(reason: string, about?: ReasonSubject): string {
  // Addresses first: the name inside "eve at mail dot example" is part of one.
  let text = REDACTOR.redact(reason).text ?? MASKS.name;
  const name = about?.profileName?.trim();
  if (name) {
    const parts = [name, ...name.split(/[^\p{L}\p{N}'-]+/u)]
      .filter((part) => [...part].length >= MIN_NAME_PART)
      .sort((a, b) => b.length - a.length);
    const own = wordsPattern(parts, 'giu');
    if (own) text = text.replace(own, MASKS.name);
  }
  const number = about?.waId?.replace(/\D/g, '');
  if (number) text = text.split(number).join(MASKS.phone);
  return text;
}
