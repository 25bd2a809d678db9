import { plural } from '@flowgento/core';
import type { ConsentHistoryEntry, ConsentRecord } from '@flowgento/store';

/** One change of a person's consent, as their export shows it. */
export interface ExportedConsentChange {
  state: ConsentRecord['state'];
  /** `change`, `resumption` (a START restoring a notice-backed opt-in) or `request`. */
  kind: ConsentHistoryEntry['kind'];
  /** When it took effect; the list is in that order, the last one holding. */
  at: string;
  /** The channel's own stamp, when it differs from `at` (a same-second tie). */
  stampedAt: string | null;
  source: string;
  /** The notice read and its language, for an opt-in; null otherwise. */
  noticeVersion: string | null;
  language: string | null;
  /** How the person withdrew (the source of a withdrawal); null for an opt-in. */
  withdrawalChannel: string | null;
}

/** Where a person stands for one purpose, with every change that led there. */
export interface ExportedConsent {
  purpose: string;
  state: ConsentRecord['state'];
  since: string;
  source: string;
  noticeVersion: string | null;
  language: string | null;
  withdrawnAt: string | null;
  withdrawalChannel: string | null;
  history: ExportedConsentChange[];
}

const iso = (at: number) => new Date(at).toISOString();

/**
 * A contact's consent records per purpose with their history (issue #8,
 * parts 2 and 5): the register is part of what the workspace holds about
 * the person, so their access export carries it.
 */
export function exportedConsent(
  records: readonly ConsentRecord[],
  history: readonly ConsentHistoryEntry[],
): ExportedConsent[] {
  return records.map((record) => {
    const withdrawn = record.state === 'opted_out';
    const changes = history.filter((change) => change.purpose === record.purpose);
    // When the state took effect: a withdrawal stamped in the second of an
    // opt-in it beat took effect after that opt-in, as the history shows.
    const latest = changes.filter((change) => change.kind !== 'request').at(-1);
    const since = Math.max(record.changedAt, latest?.effectiveAt ?? 0);
    return {
      purpose: record.purpose,
      state: record.state,
      since: iso(since),
      source: record.source,
      noticeVersion: record.noticeVersion,
      language: record.language,
      withdrawnAt: withdrawn ? iso(since) : null,
      withdrawalChannel: withdrawn ? record.source : null,
      history: changes.map((change) => ({
        state: change.state,
        kind: change.kind,
        at: iso(change.effectiveAt),
        stampedAt:
          change.effectiveAt === change.occurredAt ? null : iso(change.occurredAt),
        source: change.source,
        noticeVersion: change.noticeVersion,
        language: change.language,
        withdrawalChannel: change.state === 'opted_out' ? change.source : null,
      })),
    };
  });
}

/**
 * When the person's withdrawal took effect: the legacy opt-out of every
 * message when set, else their marketing withdrawal; null while neither holds.
 */
export function optedOutAtOf(
  contactOptedOutAt: number | null,
  records: readonly ConsentRecord[],
): number | null {
  if (contactOptedOutAt !== null) return contactOptedOutAt;
  const marketing = records.find((r) => r.purpose === 'marketing');
  return marketing?.state === 'opted_out' ? marketing.changedAt : null;
}

/** How a change came about, in words for the person it concerns. */
function sourceWords(source: string): string {
  switch (source) {
    case 'keyword':
      return 'you wrote a stop or start word on WhatsApp';
    case 'preference_webhook':
      return "you used WhatsApp's own setting";
    case 'opted_out_error':
      return 'WhatsApp told us you had stopped these messages';
    case 'agent':
      return 'a member of staff recorded what you told them';
    case 'admin':
      return 'an administrator recorded it';
    case 'import':
      return 'it was imported from a form you filled in elsewhere';
    default:
      return source;
  }
}

/** The summary's lines about consent, one per purpose. */
export function consentSummaryLines(consent: readonly ExportedConsent[]): string[] {
  if (consent.length === 0) return ['no consent was ever recorded for you'];
  return consent.map((c) => {
    const day = c.since.slice(0, 10);
    const state =
      c.state === 'opted_in'
        ? `given on ${day}` +
          (c.noticeVersion ? ` (notice ${c.noticeVersion}, ${c.language ?? '?'})` : '')
        : `withdrawn on ${day}`;
    return `${c.purpose}: ${state}; ${sourceWords(c.source)}; ${listedWords(c.history)}`;
  });
}

/**
 * How many changes the history lists, and apart from them the START
 * requests: a request gave no consent, so it is not called a change.
 */
function listedWords(history: readonly ExportedConsentChange[]): string {
  const requests = history.filter((change) => change.kind === 'request').length;
  const changes = plural(history.length - requests, 'change');
  if (requests === 0) return `${changes} listed in contact.json`;
  return (
    `${changes} and ${plural(requests, 'request')} that gave no consent, ` +
    'listed in contact.json'
  );
}
