import { plural } from '@flowgento/core';
import type { BreachRecord, BreachRecords } from '@flowgento/store';

// Its tests and older callers import it from here.
export { plural };

/** The documents a breach calls for, each a list of editable text fields. */
export const DRAFT_DOCUMENTS = [
  'people',
  'board_intimation',
  'board',
  'gdpr',
  'cert_in',
] as const;
export type DraftDocument = (typeof DRAFT_DOCUMENTS)[number];

export interface DraftField {
  /** `<document>.<field>`, the key an edit is saved under. */
  key: string;
  label: string;
  text: string;
}

/** Who the access log says was exposed, as counts only (never who). */
export interface AffectedCounts {
  /** People still on record, who can be told. */
  resolved: number;
  /** People erased since the breach's awareness: counted, never named. */
  erased: number;
  /**
   * People the accesses touched who were already gone before the awareness
   * (erased earlier): counted apart, so `erased` never claims them.
   */
  erasedBefore: number;
  /** The records held for them when they were found; null before counting. */
  records: BreachRecords | null;
}

const when = (at: number | null) =>
  at === null
    ? 'not yet known'
    : new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/**
 * "2 people (1 of them erased since the breach became known)", or a
 * placeholder before the search.
 */
export function peopleCount(affected: AffectedCounts | null): string {
  if (!affected) return 'not yet determined';
  const { resolved, erased, erasedBefore } = affected;
  const total = plural(resolved + erased + erasedBefore, 'person', 'people');
  const gone = [
    erased > 0 ? `${erased} of them erased since the breach became known` : null,
    erasedBefore > 0 ? `${erasedBefore} erased before it became known` : null,
  ].filter((part): part is string => part !== null);
  return gone.length > 0 ? `${total} (${gone.join('; ')})` : total;
}

/** "12 messages, 1 file and 0 notes", or a placeholder before the count. */
export function recordCount(affected: AffectedCounts | null): string {
  const records = affected?.records;
  if (!records) return 'not yet determined';
  return (
    `${plural(records.messages, 'message')}, ${plural(records.files, 'file')} ` +
    `and ${plural(records.notes, 'note')}`
  );
}

/**
 * The notification contents the rules list, pre-filled from the incident.
 * People: DPDP Rules 2025 rule 7(1) and GDPR article 34(2). Board: rule
 * 7(2)(a), the intimation without delay, and rule 7(2)(b), the 72-hour
 * report. GDPR: article 33(3), written for the supervisory authority.
 * CERT-In: the fields of its incident reporting form. An admin's edit (kept
 * in `details` under the field's key) wins over the pre-filled text.
 */
export function breachDrafts(
  breach: BreachRecord,
  affected: AffectedCounts | null,
  /** When given, a GDPR notification past 72 hours asks for the delay's reasons. */
  now?: number,
): Record<DraftDocument, DraftField[]> {
  const d = (key: string) => breach.details[key]?.trim() || '';
  const or = (text: string, fallback: string) => text || fallback;
  const sentence = (text: string) => (text && !/[.!?]$/.test(text) ? `${text}.` : text);
  const people = peopleCount(affected);
  // One text for the reports, and one for the notice each person receives:
  // a letter to one person tells them what happened to them, not how many
  // others (or how many since erased) it happened to.
  const describe = (extent: string | null) =>
    [
      sentence(d('nature')),
      `Data concerned: ${or(d('categories'), 'to be determined')}.`,
      extent === null ? null : `Extent: ${extent}.`,
      `Occurred: ${when(breach.occurredAt)}; we became aware: ${when(breach.awareAt)}.`,
      `Where: ${or(d('location'), or(d('systems'), 'to be determined'))}.`,
    ]
      .filter((part): part is string => part !== null)
      .join(' ');
  const description = describe(or(d('extent'), people));
  const mitigation = or(d('measures'), 'to be completed');
  const contact = or(d('contactPoint'), 'to be completed');
  const docs: Record<DraftDocument, [string, string, string][]> = {
    people: [
      [
        'description',
        'What happened (nature, extent, timing, location)',
        describe(d('extent') || null),
      ],
      [
        'consequences',
        'Likely consequences for you',
        or(
          d('consequences'),
          'Messages you exchanged with us may have been seen by someone not entitled to see them.',
        ),
      ],
      ['mitigation', 'What we have done and are doing', mitigation],
      [
        'safety',
        'What you can do to protect yourself',
        or(
          d('safetyMeasures'),
          'Be wary of messages that claim to come from us and ask for payments, codes or passwords.',
        ),
      ],
      ['contact', 'Whom to contact', contact],
    ],
    board_intimation: [
      [
        'description',
        'Description of the breach (nature, extent, timing and location)',
        description,
      ],
      [
        'impact',
        'Likely impact',
        or(
          d('consequences'),
          'Loss of confidentiality of the WhatsApp messages, numbers and names of ' +
            'the people affected; the assessment of the impact continues.',
        ),
      ],
    ],
    board: [
      ['facts', 'Broad facts of the breach', description],
      ['events', 'Events that led to it', or(d('events'), 'to be completed')],
      [
        'circumstances',
        'Circumstances',
        or(d('circumstances'), `Systems: ${or(d('systems'), 'to be determined')}.`),
      ],
      ['reasons', 'Reasons', or(d('reasons'), 'under investigation')],
      ['mitigation', 'Mitigation measures taken or proposed', mitigation],
      [
        'responsible',
        'Findings about the person responsible',
        or(d('findings'), 'not yet known'),
      ],
      [
        'remedial',
        'Remedial measures to prevent a recurrence',
        or(d('remedial'), 'to be completed'),
      ],
      [
        'notices',
        'Report of the notices given to the people affected',
        `Affected: ${people}.`,
      ],
    ],
    gdpr: [
      ...gdprFields(breach, affected, { d, or, sentence, contact, mitigation }),
      ...(now !== undefined && gdprLate(breach, now)
        ? [
            [
              'delay',
              'Reasons for the delay (article 33(1): notified after 72 hours)',
              or(
                d('delay'),
                'to be completed: why this notification comes after 72 hours',
              ),
            ] as [string, string, string],
          ]
        : []),
    ],
    cert_in: [
      ['occurred', 'Time of occurrence', when(breach.occurredAt)],
      ['noticed', 'Time the incident was noticed', when(breach.awareAt)],
      ['type', 'Type of incident', or(d('nature'), 'to be completed')],
      [
        'systems',
        'Affected systems, software and locations',
        or(d('systems'), 'to be completed'),
      ],
      ['description', 'Description and symptoms', description],
      ['actions', 'Actions taken', mitigation],
      ['contact', 'Contact point of the reporting organisation', contact],
    ],
  };
  const out = {} as Record<DraftDocument, DraftField[]>;
  for (const doc of DRAFT_DOCUMENTS) {
    out[doc] = docs[doc].map(([field, label, text]) => {
      const key = `${doc}.${field}`;
      return { key, label, text: breach.details[key] ?? text };
    });
  }
  return out;
}

/**
 * The notification to a GDPR supervisory authority, in the order and words
 * of article 33(3): (a) the nature, with the categories and approximate
 * numbers of data subjects and of records; (b) the data protection officer
 * or other contact point; (c) the likely consequences; (d) the measures.
 * Written about the people concerned, never to them.
 * https://eur-lex.europa.eu/eli/reg/2016/679/oj (article 33)
 */
function gdprFields(
  breach: BreachRecord,
  affected: AffectedCounts | null,
  h: {
    d: (key: string) => string;
    or: (text: string, fallback: string) => string;
    sentence: (text: string) => string;
    contact: string;
    mitigation: string;
  },
): [string, string, string][] {
  const { d, or, sentence } = h;
  const nature = [
    sentence(or(d('nature'), 'The nature of the breach is to be completed')),
    (breach.occurredAt === null
      ? 'When it occurred is not yet known'
      : `It occurred on ${when(breach.occurredAt)}`) +
      (breach.awareAt === null
        ? '; when the controller became aware of it is not yet recorded.'
        : `; the controller became aware of it on ${when(breach.awareAt)}.`),
    `Systems concerned: ${or(d('systems'), 'to be determined')}.`,
    'Categories of data subjects: customers who wrote to the controller on WhatsApp.',
    `Approximate number of data subjects concerned: ${peopleCount(affected)}.`,
    `Categories of personal data records concerned: ${or(d('categories'), 'to be determined')}.`,
    `Approximate number of personal data records concerned: ${recordCount(affected)}` +
      (affected?.records
        ? ', as held for these data subjects when they were identified.'
        : '.'),
  ].join(' ');
  const consequences = or(
    d('consequences'),
    'Loss of confidentiality of the data subjects’ WhatsApp messages, numbers and names. ' +
      'Someone holding them could impersonate the controller to the data subjects ' +
      '(phishing, payment fraud) or use what the messages reveal about them. ' +
      'The assessment of the risk to their rights and freedoms continues.',
  );
  const measures = [
    `Measures taken: ${sentence(h.mitigation)}`,
    `Measures proposed, including to mitigate possible adverse effects: ${sentence(or(d('remedial'), 'to be completed'))}`,
    `Communication to the data subjects (article 34): ${
      breach.done.people
        ? `made on ${when(breach.done.people.at)}`
        : affected
          ? `in preparation for ${peopleCount(affected)}`
          : 'in preparation; the people to tell are not yet determined'
    }.`,
  ].join(' ');
  return [
    [
      'nature',
      'Nature of the breach, categories and approximate numbers of data subjects and records',
      nature,
    ],
    ['contact', 'Data protection officer or other contact point', h.contact],
    ['consequences', 'Likely consequences of the breach', consequences],
    [
      'measures',
      'Measures taken or proposed, including to mitigate possible adverse effects',
      measures,
    ],
  ];
}

const GDPR_WINDOW_MS = 72 * 3_600_000;

/**
 * Article 33(1): a notification made (or still to be made) more than 72
 * hours after awareness is accompanied by the reasons for the delay.
 */
function gdprLate(breach: BreachRecord, now: number): boolean {
  const at = breach.done.gdpr?.at ?? now;
  return at > breach.awareAt + GDPR_WINDOW_MS;
}

/** One plain-language notice to one affected person (rule 7(1); GDPR article 34). */
export function noticeText(
  fields: readonly DraftField[],
  to: { name: string | null; waId: string },
  organisation: string,
): string {
  const get = (name: string) =>
    fields.find((f) => f.key === `people.${name}`)?.text ?? '';
  return [
    `Dear ${to.name ?? 'customer'},`,
    '',
    `We, ${organisation}, are writing to tell you about a personal data breach that affects you.`,
    '',
    `What happened: ${get('description')}`,
    `What it may mean for you: ${get('consequences')}`,
    `What we have done: ${get('mitigation')}`,
    `What you can do: ${get('safety')}`,
    `Questions: ${get('contact')}`,
  ].join('\n');
}
