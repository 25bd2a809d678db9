/** Another contact of the workspace, as a note might name them. */
export interface OtherContact {
  waId: string;
  profileName: string | null;
}

/** Profile names shorter than this are too common to mean a person. */
const MIN_NAME_LENGTH = 3;
/** A local number without its country code still names the person. */
const MIN_LOCAL_DIGITS = 8;

/**
 * Notes are kept per contact, but an agent may write about someone else in
 * one ("her brother +91 98… also asked"). An export goes to the person it
 * is about, so a note that names another contact of the workspace, by
 * WhatsApp number or by profile name, is withheld whole: its existence and
 * date stay, its text does not. Whole-note redaction is deliberate: cutting
 * out only the name would still leave what was said about that person.
 */
export class NoteRedactor {
  private readonly numbers: Set<string>;
  private readonly names: RegExp | null;

  constructor(others: Iterable<OtherContact>) {
    this.numbers = new Set();
    const names: string[] = [];
    for (const other of others) {
      this.numbers.add(other.waId);
      const name = other.profileName?.trim();
      if (name && [...name].length >= MIN_NAME_LENGTH) names.push(escape(name));
    }
    // Unicode-aware word edges, so "Ann" does not match inside "Annual".
    this.names =
      names.length === 0
        ? null
        : new RegExp(`(?<![\\p{L}\\p{N}])(?:${names.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
  }

  /** True when the note names another contact and its text must be withheld. */
  namesSomeoneElse(text: string): boolean {
    for (const digits of digitRuns(text)) {
      if (this.numbers.has(digits)) return true;
      if (digits.length >= MIN_LOCAL_DIGITS) {
        for (const number of this.numbers) if (number.endsWith(digits)) return true;
      }
    }
    return this.names?.test(text) ?? false;
  }
}

/** Runs of digits, read through the spaces, dashes, dots and brackets people type. */
function digitRuns(text: string): string[] {
  const runs = text.match(/\+?\d[\d\s().-]{5,}\d/g) ?? [];
  return runs.map((run) => run.replace(/\D/g, ''));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
