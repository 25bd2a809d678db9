/** Another contact of the workspace, as a note might name them. */
export interface OtherContact {
  waId: string;
  profileName: string | null;
}

/** What the redactor knows about the person the export is for, and the others. */
export interface NoteRedactorInput {
  /** The subject's own WhatsApp number and profile name: never masked. */
  subject: OtherContact;
  /** Every other contact of the workspace. */
  others: Iterable<OtherContact>;
  /** Display names of the workspace's members (the staff who write notes). */
  members: Iterable<string>;
}

/** A note's text as it may leave in an export. */
export interface RedactedNote {
  /** Null when the whole note is withheld. */
  text: string | null;
  /** True when anything was withheld or masked. */
  redacted: boolean;
  withheld: boolean;
}

/** Profile names shorter than this are too common to mean a person. */
const MIN_NAME_LENGTH = 3;
/** A local number without its country code still names the person. */
const MIN_LOCAL_DIGITS = 8;
/** Shorter digit runs are order numbers, amounts and times, not phones. */
const MIN_PHONE_DIGITS = 8;
/** E.164 numbers have at most 15 digits. */
const MAX_PHONE_DIGITS = 15;

export const MASKS = {
  phone: '[phone number withheld]',
  email: '[e-mail address withheld]',
  staff: '[staff member]',
} as const;

/**
 * The rule for notes in an access export. An export goes to the person it
 * is about, and an agent may write about someone else in a note ("her
 * brother +91 98… also asked"). What was said about another person is
 * their data, not the requester's:
 *
 * 1. a note its author marked as being about someone else, and a note
 *    that names another contact of the workspace (by WhatsApp number, with
 *    or without country code, or by profile name), are withheld whole:
 *    their existence and date stay, their text does not, because cutting
 *    out only the name would still leave what was said about that person;
 * 2. in every other note, each e-mail address, each phone number other than
 *    the subject's own (8 to 15 digits however typed; dates are kept) and
 *    each workspace member's name (whole or any part of three letters or
 *    more, except the subject's own names) is masked.
 *
 * It errs towards masking: a long order number can be masked as a phone
 * number, but nobody else's number or address leaves.
 */
export class NoteRedactor {
  private readonly numbers: Set<string>;
  private readonly names: RegExp | null;
  private readonly staff: RegExp | null;
  private readonly subjectNumber: string;

  constructor(input: NoteRedactorInput) {
    this.subjectNumber = input.subject.waId;
    this.numbers = new Set();
    const names: string[] = [];
    for (const other of input.others) {
      if (other.waId === this.subjectNumber) continue;
      this.numbers.add(other.waId);
      const name = other.profileName?.trim();
      if (name && [...name].length >= MIN_NAME_LENGTH) names.push(name);
    }
    this.names = wordsPattern(names, 'iu');

    const own = new Set(wordsOf(input.subject.profileName ?? '').map(lower));
    const staff = new Set<string>();
    for (const member of input.members) {
      const whole = member.trim();
      if ([...whole].length >= MIN_NAME_LENGTH && !own.has(lower(whole))) {
        staff.add(whole);
      }
      for (const part of wordsOf(whole)) {
        if ([...part].length >= MIN_NAME_LENGTH && !own.has(lower(part))) staff.add(part);
      }
    }
    // Longest first, so "Priya Sharma" is masked once, not as two parts.
    this.staff = wordsPattern(
      [...staff].sort((a, b) => b.length - a.length),
      'giu',
    );
  }

  /** The note as it may be exported; one its author marked `aboutOther` is withheld. */
  redact(text: string, aboutOther = false): RedactedNote {
    if (aboutOther || this.namesSomeoneElse(text)) {
      return { text: null, redacted: true, withheld: true };
    }
    let masked = text.replace(EMAIL, MASKS.email);
    masked = masked.replace(PHONE_LIKE, (run) =>
      this.isOtherPhone(run) ? MASKS.phone : run,
    );
    if (this.staff) masked = masked.replace(this.staff, MASKS.staff);
    return { text: masked, redacted: masked !== text, withheld: false };
  }

  /** True when the note names another contact and its text must be withheld. */
  namesSomeoneElse(text: string): boolean {
    for (const run of text.match(PHONE_LIKE) ?? []) {
      const digits = numberOf(run);
      if (this.numbers.has(digits)) return true;
      if (digits.length >= MIN_LOCAL_DIGITS) {
        for (const number of this.numbers) if (number.endsWith(digits)) return true;
      }
    }
    return this.names?.test(text) ?? false;
  }

  private isOtherPhone(run: string): boolean {
    if (DATE.test(run.trim())) return false;
    const digits = numberOf(run);
    if (digits.length < MIN_PHONE_DIGITS || digits.length > MAX_PHONE_DIGITS)
      return false;
    return !(digits === this.subjectNumber || this.subjectNumber.endsWith(digits));
  }
}

/** Digit runs as people type numbers: spaces, dashes, dots and brackets between. */
const PHONE_LIKE = /\+?\d[\d\s().-]{5,}\d/g;
/** 2026-12-05, 05.12.2026, 5/12/26: a date, not a number to mask. */
const DATE = /^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+/gu;

/** A typed number's digits, without a trunk prefix ("011 …" is "11 …"). */
const numberOf = (run: string) => run.replace(/\D/g, '').replace(/^0+/, '');
const lower = (text: string) => text.toLocaleLowerCase();
const wordsOf = (text: string) => text.split(/[^\p{L}\p{N}'-]+/u).filter(Boolean);

/** Whole words only (Unicode-aware), so "Ann" does not match inside "Annual". */
function wordsPattern(words: string[], flags: string): RegExp | null {
  if (words.length === 0) return null;
  const alternatives = words.map(escape).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, flags);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
