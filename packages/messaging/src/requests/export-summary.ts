import { plural } from '@flowgento/core';
import { authorityInSentence } from './authority-name.ts';
import { consentSummaryLines, type ExportedConsent } from './export-consent.ts';
import type { MaskCounts } from './note-redaction.ts';

/** A person to write to, as the workspace's privacy settings name them. */
export interface PrivacyPerson {
  name: string;
  email: string | null;
  phone: string | null;
}

/**
 * What an export tells the person beyond their data. The privacy contact
 * and grievance officer are the workspace's privacy settings, the
 * retention lines its retention rules (the server gathers both).
 */
export interface ExportDisclosure {
  privacyContact: PrivacyPerson | null;
  grievanceOfficer: PrivacyPerson | null;
  /** Why the data is processed, one purpose a line. */
  purposes: readonly string[];
  /** How long each kind of data is kept, one rule a line. */
  retention: readonly string[];
  /**
   * Whom the person can complain to: the workspace's lead supervisory
   * authority under the GDPR (null until named) and the Data Protection
   * Board of India, or the authority the workspace named for the DPDP Act.
   */
  authorities: { GDPR: string | null; DPDP: string };
}

/** Someone the data was shared with, as the summary and contact.json list them. */
export interface Recipient {
  name: string;
  kind: 'messaging_provider' | 'storage_provider';
  role: string;
  /** Where: a region or an endpoint host, as configured; null for this machine. */
  location: string | null;
}

/** Meta is always a recipient: every WhatsApp message passes through it. */
export const META_RECIPIENT: Recipient = {
  name: 'Meta Platforms (WhatsApp Business Platform)',
  kind: 'messaging_provider',
  role: 'carries every message between you and the business',
  location: null,
};

export const DEFAULT_DISCLOSURE: ExportDisclosure = {
  privacyContact: null,
  grievanceOfficer: null,
  purposes: [
    'answering the messages you send the business on WhatsApp',
    'sending you the updates you asked for, and marketing only with your consent',
  ],
  retention: [
    'messages and files: until you ask for erasure or the retention rules remove them',
    'notes by staff: as long as the messages they are about',
  ],
  authorities: { GDPR: null, DPDP: 'Data Protection Board of India' },
};

/** What the summary counts. */
export interface HeldCounts {
  conversations: number;
  messages: number;
  files: number;
  notes: number;
  notesWithheld: number;
  notesMasked: number;
  /** Details masked in the notes, by kind (note-redaction.ts). */
  masks: MaskCounts;
}

/** The plain-language summary, as text lines (the HTML form wraps the same). */
export function summaryLines(input: {
  workspaceName: string;
  exportedAt: string;
  counts: HeldCounts;
  consent: readonly ExportedConsent[];
  recipients: readonly Recipient[];
  disclosure: ExportDisclosure;
}): { heading: string; lines: string[] }[] {
  const { counts, disclosure } = input;
  const person = (p: PrivacyPerson | null): string[] =>
    p ? [[p.name, p.email, p.phone].filter(Boolean).join(', ')] : ['not named yet'];
  return [
    {
      heading: `What ${input.workspaceName} holds about you (as of ${input.exportedAt})`,
      lines: [
        `${plural(counts.conversations, 'conversation')} with ${plural(counts.messages, 'message')}`,
        `${plural(counts.files, 'file')} you sent, in the media folder`,
        `${plural(counts.notes, 'note')} staff wrote about you` + notesAside(counts),
        'your WhatsApp number and profile name, in contact.json',
      ],
    },
    { heading: 'Notes about other people', lines: NOTE_RULE },
    { heading: 'Why we hold it', lines: [...disclosure.purposes] },
    { heading: 'Your consent', lines: consentSummaryLines(input.consent) },
    { heading: 'How long we keep it', lines: [...disclosure.retention] },
    { heading: 'Your rights', lines: rightsLines(disclosure, input.workspaceName) },
    {
      heading: 'Who it was shared with',
      lines: input.recipients.map(
        (r) => `${r.name}: ${r.role}${r.location ? ` (${r.location})` : ''}`,
      ),
    },
    { heading: 'Privacy contact', lines: person(disclosure.privacyContact) },
    { heading: 'Grievance officer', lines: person(disclosure.grievanceOfficer) },
  ];
}

/**
 * The rights an access answer must state: GDPR Art 15(1)(e) rectification,
 * erasure, restriction and objection, (f) the right to complain; DPDP Act
 * ss. 12-13 correction, erasure, grievance redressal and the Board.
 */
function rightsLines(disclosure: ExportDisclosure, workspaceName: string): string[] {
  // Without a privacy contact there is no address to give: the person's own
  // WhatsApp conversation with the business is the way they have.
  const write = disclosure.privacyContact
    ? 'write to the privacy contact below'
    : `write to ${workspaceName} on WhatsApp (no privacy contact is set)`;
  const gdpr = disclosure.authorities.GDPR;
  return [
    `to have wrong or incomplete details corrected (rectification): ${write}; ` +
      'a corrected name is kept even if your WhatsApp profile name differs',
    `to have your data erased: ${write}; we delete your messages, files, notes ` +
      'and contact record, unless the law obliges us to keep some of it for now',
    'to object to marketing at any time, and to withdraw any consent you gave: ' +
      'reply STOP on WhatsApp' +
      (disclosure.privacyContact ? ' or write to the privacy contact below' : '') +
      '; withdrawing does not undo what was done before',
    'under the GDPR, also to ask us to restrict how we use your data (for ' +
      'example while a correction is checked) and to object to uses based on ' +
      'our legitimate interests',
    disclosure.grievanceOfficer
      ? 'to raise a grievance with our grievance officer (below) first'
      : 'to raise a grievance with us first',
    'to complain to ' +
      (gdpr
        ? `${authorityInSentence(gdpr)} or the data protection authority where you live or work (GDPR)`
        : 'the data protection authority where you live or work (GDPR)') +
      `, or to ${authorityInSentence(disclosure.authorities.DPDP)} (India's DPDP Act)`,
  ];
}

/** The redaction rule (note-redaction.ts), as the person reading the export sees it. */
const NOTE_RULE = [
  'a note about someone else (marked so by the staff member who wrote it, or ' +
    'naming another customer by number or name) is withheld whole: you see ' +
    'that it exists and when it was written, not its text',
  "in the other notes, other people's names, phone numbers, e-mail addresses, " +
    'street addresses and dates of birth (and dates far from when the note was ' +
    'written), and the names of our staff, are masked; your own number and name ' +
    'are not',
];

const MASK_NOUNS: Record<keyof MaskCounts, [string, string]> = {
  name: ['name', 'names'],
  phone: ['phone number', 'phone numbers'],
  email: ['e-mail address', 'e-mail addresses'],
  address: ['street address', 'street addresses'],
  date: ['date', 'dates'],
  staff: ['staff name', 'staff names'],
};

function notesAside(counts: HeldCounts): string {
  const parts: string[] = [];
  if (counts.notesWithheld > 0) {
    parts.push(
      `the text of ${counts.notesWithheld} is withheld because it is about someone else`,
    );
  }
  if (counts.notesMasked > 0) {
    const what = (Object.keys(MASK_NOUNS) as (keyof MaskCounts)[])
      .filter((kind) => counts.masks[kind] > 0)
      .map((kind) => plural(counts.masks[kind], ...MASK_NOUNS[kind]))
      .join(', ');
    parts.push(
      `${counts.notesMasked} ${counts.notesMasked === 1 ? 'has' : 'have'} ` +
        `details about other people masked (${what})`,
    );
  }
  return parts.length === 0 ? '' : `; ${parts.join('; ')}`;
}

export function summaryText(sections: ReturnType<typeof summaryLines>): string {
  return sections
    .map((s) => [s.heading, ...s.lines.map((line) => `  - ${line}`)].join('\n'))
    .join('\n\n')
    .concat('\n');
}

export function summaryHtml(sections: ReturnType<typeof summaryLines>): string {
  const body = sections
    .map(
      (s) =>
        `<h2>${html(s.heading)}</h2>\n<ul>${s.lines.map((l) => `<li>${html(l)}</li>`).join('')}</ul>`,
    )
    .join('\n');
  return `<!doctype html>\n<html><head><meta charset="utf-8"><title>Your data</title></head>\n<body>\n${body}\n</body></html>\n`;
}

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
