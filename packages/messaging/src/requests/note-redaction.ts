import { NUMBER_DIGITS, PHONE_LIKE } from '@flowgento/core';
import {
  ANY_DATE,
  BARE_YEAR,
  BIRTH_CONTEXT,
  NAME_AFTER_RELATION,
  NAME_RUN,
  NOT_NAMES,
  OBFUSCATED_EMAIL,
  STREET_ADDRESS,
} from './note-patterns.ts';

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
  /** How many details of each kind were masked (all zero when withheld). */
  masked: MaskCounts;
}

export type MaskKind = 'phone' | 'email' | 'staff' | 'address' | 'date' | 'name';
export type MaskCounts = Record<MaskKind, number>;

export const noMasks = (): MaskCounts => ({
  phone: 0,
  email: 0,
  staff: 0,
  address: 0,
  date: 0,
  name: 0,
});

/** Profile names shorter than this are too common to mean a person. */
const MIN_NAME_LENGTH = 3;
/** A local number without its country code still names the person. */
const MIN_LOCAL_DIGITS = 8;
/** Shorter digit runs are order numbers, amounts and times, not phones. */
const MIN_PHONE_DIGITS = 8;

export const MASKS = {
  phone: '[phone number withheld]',
  email: '[e-mail address withheld]',
  staff: '[staff member]',
  address: '[address withheld]',
  date: '[date withheld]',
  name: '[name withheld]',
} as const satisfies Record<MaskKind, string>;

/** A date this far from the day the note was written is not about that day. */
const DATE_CONTEXT_YEARS = 1;

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
 * 2. in every other note, each e-mail address (also typed as "[at]",
 *    "(at)", " at ", "[dot]"), each street address (a house number and a
 *    street word), each date of birth and each date more than a year from
 *    the day the note was written, each phone number other than the
 *    subject's own (8 to 15 digits however typed), each workspace member's
 *    name (whole or any part of three letters or more, except the subject's
 *    own names) and each personal name other than the subject's (two or
 *    more capitalised words in a row, or a capitalised word after a word
 *    like "husband" or "irmã") is masked.
 *
 * It errs towards masking: a long order number can be masked as a phone
 * number, but nobody else's number or address leaves.
 */
export class NoteRedactor {
  private readonly numbers: Set<string>;
  private readonly names: RegExp | null;
  private readonly staff: RegExp | null;
  private readonly subjectNumber: string;
  private readonly ownNames: Set<string>;

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
    this.ownNames = own;
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

  /**
   * The note as it may be exported; one its author marked `aboutOther` is
   * withheld. `writtenAt` (ms) is the note's own date: dates near it are
   * what happened to the subject and stay; without it only birth dates go.
   */
  redact(text: string, aboutOther = false, writtenAt?: number): RedactedNote {
    const counts = noMasks();
    if (aboutOther || this.namesSomeoneElse(text)) {
      return { text: null, redacted: true, withheld: true, masked: counts };
    }
    const mask = (kind: MaskKind) => {
      counts[kind] += 1;
      return MASKS[kind];
    };
    let masked = text.replace(EMAIL, () => mask('email'));
    masked = masked.replace(OBFUSCATED_EMAIL, () => mask('email'));
    masked = masked.replace(STREET_ADDRESS, () => mask('address'));
    masked = this.maskDates(masked, writtenAt, () => mask('date'));
    masked = masked.replace(PHONE_LIKE, (run) =>
      this.isOtherPhone(run) ? mask('phone') : run,
    );
    if (this.staff) masked = masked.replace(this.staff, () => mask('staff'));
    masked = this.maskNames(masked, () => mask('name'));
    return { text: masked, redacted: masked !== text, withheld: false, masked: counts };
  }

  private maskDates(text: string, writtenAt: number | undefined, mask: () => string) {
    const year = writtenAt === undefined ? null : new Date(writtenAt).getUTCFullYear();
    const birth = (offset: number, whole: string) =>
      BIRTH_CONTEXT.test(whole.slice(Math.max(0, offset - 30), offset));
    let out = text.replace(ANY_DATE, (date, offset: number, whole: string) => {
      if (birth(offset, whole)) return mask();
      const at = yearOf(date, year);
      return year !== null && at !== null && Math.abs(at - year) > DATE_CONTEXT_YEARS
        ? mask()
        : date;
    });
    out = out.replace(BARE_YEAR, (run, _y, offset: number, whole: string) =>
      birth(offset, whole) ? mask() : run,
    );
    return out;
  }

  private maskNames(text: string, mask: () => string) {
    // Names after a relationship word first: "Sister Julia" keeps "Sister".
    let out = text.replace(
      NAME_AFTER_RELATION,
      (whole, relation: string, gap: string, name: string) =>
        name.split(/\s+/u).every((w) => this.isOwnName(w) || !/^\p{Lu}/u.test(w))
          ? whole
          : `${relation}${gap}${mask()}`,
    );
    out = out.replace(NAME_RUN, (run) => {
      const words = run.split(/\s+/u);
      // Opening words that name nobody ("Her", "Sister") stay outside the mask.
      let start = 0;
      while (start < words.length && NOT_NAMES.has(lower(words[start]!))) start += 1;
      const rest = words.slice(start);
      const capitals = rest.filter((w) => /^\p{Lu}/u.test(w));
      if (capitals.length < 2 || capitals.every((w) => this.isOwnName(w))) return run;
      return [...words.slice(0, start), mask()].join(' ');
    });
    return out;
  }

  private isOwnName(word: string): boolean {
    return this.ownNames.has(lower(word));
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
    if (digits.length < MIN_PHONE_DIGITS || digits.length > NUMBER_DIGITS.max)
      return false;
    return !(digits === this.subjectNumber || this.subjectNumber.endsWith(digits));
  }
}

/** 2026-12-05, 05.12.2026, 5/12/26: a date, not a number to mask. */
const DATE = /^(\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+/gu;

/** A typed number's digits, without a trunk prefix ("011 …" is "11 …"). */
const numberOf = (run: string) => run.replace(/\D/g, '').replace(/^0+/, '');
const lower = (text: string) => text.toLocaleLowerCase();
const wordsOf = (text: string) => text.split(/[^\p{L}\p{N}'-]+/u).filter(Boolean);

/** A date's year, reading two digits as the century nearest the note. */
function yearOf(date: string, noteYear: number | null): number | null {
  const four = /\b(\d{4})\b/u.exec(date);
  if (four) return Number(four[1]);
  const two = /(\d{2})$/u.exec(date);
  if (!two || noteYear === null) return null;
  const century = Math.floor(noteYear / 100) * 100;
  const near = century + Number(two[1]);
  return near - noteYear > 50 ? near - 100 : near;
}

/** Whole words only (Unicode-aware), so "Ann" does not match inside "Annual". */
export function wordsPattern(words: string[], flags: string): RegExp | null {
  if (words.length === 0) return null;
  const alternatives = words.map(escape).join('|');
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, flags);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
