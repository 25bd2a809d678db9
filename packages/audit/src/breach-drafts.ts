import type { BreachRecord } from '@flowgento/store';

/** The documents a breach calls for, each a list of editable text fields. */
export const DRAFT_DOCUMENTS = ['people', 'board', 'gdpr', 'cert_in'] as const;
export type DraftDocument = (typeof DRAFT_DOCUMENTS)[number];

export interface DraftField {
  /** `<document>.<field>`, the key an edit is saved under. */
  key: string;
  label: string;
  text: string;
}

const when = (at: number | null) =>
  at === null
    ? 'not yet known'
    : new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/**
 * The notification contents the rules list, pre-filled from the incident.
 * People: DPDP Rules 2025 rule 7(1). Board: rule 7(2)(b), the 72-hour
 * report. GDPR: article 33(3). CERT-In: the fields of its incident
 * reporting form. An admin's edit (kept in `details` under the field's key)
 * wins over the pre-filled text.
 */
export function breachDrafts(
  breach: BreachRecord,
  affected: { resolved: number; erased: number } | null,
): Record<DraftDocument, DraftField[]> {
  const d = (key: string) => breach.details[key]?.trim() || '';
  const or = (text: string, fallback: string) => text || fallback;
  const count = affected
    ? `${affected.resolved + affected.erased} people (${affected.erased} of them since erased)`
    : 'not yet determined';
  const sentence = (text: string) => (text && !/[.!?]$/.test(text) ? `${text}.` : text);
  const description = [
    sentence(d('nature')),
    `Data concerned: ${or(d('categories'), 'to be determined')}.`,
    `Extent: ${or(d('extent'), count)}.`,
    `Occurred: ${when(breach.occurredAt)}; we became aware: ${when(breach.awareAt)}.`,
    `Where: ${or(d('location'), or(d('systems'), 'to be determined'))}.`,
  ].join(' ');
  const consequences = or(
    d('consequences'),
    'Messages you exchanged with us may have been seen by someone not entitled to see them.',
  );
  const mitigation = or(d('measures'), 'to be completed');
  const contact = or(d('contactPoint'), 'to be completed');
  const docs: Record<DraftDocument, [string, string, string][]> = {
    people: [
      ['description', 'What happened (nature, extent, timing, location)', description],
      ['consequences', 'Likely consequences for you', consequences],
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
        `Affected: ${count}.`,
      ],
    ],
    gdpr: [
      [
        'nature',
        'Nature, categories and approximate numbers of people and records',
        `${description}`,
      ],
      ['contact', 'Data protection officer or other contact point', contact],
      ['consequences', 'Likely consequences', consequences],
      [
        'measures',
        'Measures taken or proposed, including to mitigate effects',
        mitigation,
      ],
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

/** One plain-language notice to one affected person (rule 7(1)). */
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
