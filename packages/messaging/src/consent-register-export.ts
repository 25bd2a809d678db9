import type { ConsentHistoryLine, ConsentRecord } from '@flowgento/store';

/** One line of the register: a record with the contact it belongs to. */
export interface RegisterEntry extends ConsentRecord {
  waId: string;
}

/** One change in the register's export, with the contact it belongs to. */
export interface RegisterChange extends ConsentHistoryLine {
  waId: string;
}

export type RegisterFormat = 'csv' | 'json';

const CSV_COLUMNS = [
  'contact_id',
  'wa_id',
  'purpose',
  'line',
  'state',
  'kind',
  'source',
  'notice_version',
  'language',
  'at',
  'stamped_at',
] as const;

/**
 * The register as a file: every contact's current state per purpose and
 * the full history behind it (review of issue #8), so a withdrawal does not
 * hide the notice, source and time of the opt-in it ended. JSON holds
 * `records` and `history`; CSV holds, per contact and purpose, a `current`
 * line followed by its `history` lines in the order they took effect.
 */
export function registerFile(
  format: RegisterFormat,
  exportedAt: number,
  records: readonly RegisterEntry[],
  history: readonly RegisterChange[],
): string {
  if (format === 'json') {
    return JSON.stringify({ exportedAt, records, history }, null, 2);
  }
  return registerCsv(records, history);
}

/** RFC 4180 CSV; a cell a spreadsheet would run as a formula is quoted with '. */
export function registerCsv(
  records: readonly RegisterEntry[],
  history: readonly RegisterChange[],
): string {
  const lines: (string | null)[][] = [];
  const keyOf = (line: { contactId: string; purpose: string }) =>
    `${line.contactId}\u0000${line.purpose}`;
  const byKey = new Map<string, RegisterChange[]>();
  for (const change of history) {
    const key = keyOf(change);
    byKey.set(key, [...(byKey.get(key) ?? []), change]);
  }
  const historyOf = (key: string) => (byKey.get(key) ?? []).map(historyLine);
  for (const record of records) {
    lines.push([
      record.contactId,
      record.waId,
      record.purpose,
      'current',
      record.state,
      null,
      record.source,
      record.noticeVersion,
      record.language,
      iso(record.changedAt),
      null,
    ]);
    lines.push(...historyOf(keyOf(record)));
  }
  // A START that gave no consent leaves a request and no record: listed too.
  const recorded = new Set(records.map(keyOf));
  for (const key of byKey.keys()) {
    if (!recorded.has(key)) lines.push(...historyOf(key));
  }
  const rows = lines.map((line) => line.map(cell).join(','));
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

const iso = (at: number) => new Date(at).toISOString();

function historyLine(change: RegisterChange): (string | null)[] {
  return [
    change.contactId,
    change.waId,
    change.purpose,
    'history',
    change.state,
    change.kind,
    change.source,
    change.noticeVersion,
    change.language,
    iso(change.effectiveAt),
    change.effectiveAt === change.occurredAt ? null : iso(change.occurredAt),
  ];
}

function cell(value: string | null): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
