import { DAY_MS, plural } from '@flowgento/core';
import type { DataRequest, DataRequestKind, DataRequestLaw } from '@flowgento/store';

/**
 * The legal clocks of a data request. GDPR Art. 12(3): one month from
 * receipt, extendable by two further months if the person is told so within
 * the first month. DPDP Rules (grievance redressal): 90 days. Other DPDP
 * requests are held to the same 90 days, the longest the Rules allow.
 */
export const DPDP_RESPONSE_DAYS = 90;
export const GDPR_EXTENSION_MONTHS = 2;

/** Reminders go out this many days before a deadline, and when it has passed. */
export const REMINDER_DAYS = [7, 1] as const;

/** The authority named by default when the workspace set none for the law. */
export const DEFAULT_AUTHORITIES: Readonly<Record<DataRequestLaw, string | null>> = {
  DPDP: 'Data Protection Board of India',
  // The lead supervisory authority depends on where the controller is
  // established: only the admin can name it, so a GDPR refusal waits for it.
  GDPR: null,
};

/** `at` plus whole calendar months (UTC), clamped to the month's last day. */
export function addMonths(at: number, months: number): number {
  const date = new Date(at);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const last = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0),
  ).getUTCDate();
  date.setUTCDate(Math.min(day, last));
  return date.getTime();
}

/** When a new request is due. */
export function dueAtFor(
  law: DataRequestLaw,
  _kind: DataRequestKind,
  receivedAt: number,
): number {
  return law === 'GDPR'
    ? addMonths(receivedAt, 1)
    : receivedAt + DPDP_RESPONSE_DAYS * DAY_MS;
}

/** The latest deadline a GDPR extension may set for a request received at `receivedAt`. */
export function latestExtension(receivedAt: number): number {
  return addMonths(receivedAt, 1 + GDPR_EXTENSION_MONTHS);
}

/** Why an extension is refused, or null when it may be recorded. */
export function extensionRefusal(
  request: Pick<DataRequest, 'law' | 'receivedAt' | 'extendedUntil'>,
  toldAt: number,
  until: number,
): string | null {
  if (request.law !== 'GDPR') return 'Only a GDPR request can be extended';
  if (request.extendedUntil !== null) return 'This request was already extended';
  const firstMonthEnds = addMonths(request.receivedAt, 1);
  if (toldAt < request.receivedAt) {
    return 'The date the requester was told is before the request was received';
  }
  if (toldAt > firstMonthEnds) {
    return 'The requester must be told of an extension within the first month';
  }
  if (until <= firstMonthEnds) return 'An extension must end after the first month';
  if (until > latestExtension(request.receivedAt)) {
    return 'An extension can add at most two months';
  }
  return null;
}

export type Urgency = 'overdue' | 'due_1_day' | 'due_7_days' | 'on_track' | 'closed';

/** How close a request is to its deadline, at `now`. */
export function urgencyOf(request: Pick<DataRequest, 'dueAt' | 'closedAt'>, now: number) {
  if (request.closedAt !== null) return 'closed' satisfies Urgency;
  const left = request.dueAt - now;
  if (left < 0) return 'overdue' satisfies Urgency;
  if (left <= REMINDER_DAYS[1] * DAY_MS) return 'due_1_day' satisfies Urgency;
  if (left <= REMINDER_DAYS[0] * DAY_MS) return 'due_7_days' satisfies Urgency;
  return 'on_track' satisfies Urgency;
}

/** A reminder: an open request inside a reminder window, or past its deadline. */
export interface Reminder {
  requestId: string;
  kind: DataRequestKind;
  law: DataRequestLaw;
  dueAt: number;
  urgency: Exclude<Urgency, 'on_track' | 'closed'>;
  message: string;
}

/** The reminders due at `now`, most urgent first. */
export function remindersAt(requests: readonly DataRequest[], now: number): Reminder[] {
  const reminders: Reminder[] = [];
  for (const request of requests) {
    const urgency: Urgency = urgencyOf(request, now);
    if (urgency === 'on_track' || urgency === 'closed') continue;
    const days = Math.ceil(Math.abs(request.dueAt - now) / DAY_MS);
    const message =
      urgency === 'overdue'
        ? `${request.law} ${request.kind} request is ${plural(days, 'day')} overdue`
        : `${request.law} ${request.kind} request is due in ${plural(days, 'day')}`;
    reminders.push({
      requestId: request.id,
      kind: request.kind,
      law: request.law,
      dueAt: request.dueAt,
      urgency,
      message,
    });
  }
  return reminders.sort((a, b) => a.dueAt - b.dueAt);
}
