import { AppError } from '@flowgento/core';
import type { BreachDuty, BreachRecord } from '@flowgento/store';

/*
 * A notification marked done is evidence for an authority: these checks keep
 * impossible times and reference-less notices to an authority out of the
 * register (review of issue #8).
 */

/** Grace for the clock of the browser that sends "now". */
const CLOCK_SKEW_MS = 2 * 60_000;
/** GDPR article 33(1): the authority is told within 72 hours of awareness. */
const GDPR_WINDOW_MS = 72 * 3_600_000;

/** The time and reference of a notification, against the breach and now. */
export function checkDone(
  breach: BreachRecord,
  duty: BreachDuty,
  done: { at: number; reference: string },
  now: number,
): void {
  if (done.at > now + CLOCK_SKEW_MS) {
    throw new AppError(
      'INVALID_INPUT',
      'at: a notification cannot be sent in the future',
      {
        reason: 'done_in_future',
      },
    );
  }
  if (done.at < breach.awareAt) {
    throw new AppError(
      'INVALID_INPUT',
      `at: a notification cannot be sent before you became aware of the breach (${utc(breach.awareAt)})`,
      { reason: 'done_before_awareness' },
    );
  }
  // Article 33(1): a notification after 72 hours goes with the reasons
  // for the delay; marking it done without them would record a breach of it.
  if (duty === 'gdpr' && done.at > breach.awareAt + GDPR_WINDOW_MS) {
    const reasons = breach.details['gdpr.delay'] ?? breach.details['delay'] ?? '';
    if (reasons.trim() === '') {
      throw new AppError(
        'RULE_REFUSED',
        'gdpr.delay: a GDPR notification sent after 72 hours needs the reasons ' +
          'for the delay (article 33(1)): write them in the notification first',
        { reason: 'delay_reasons_required', details: { field: 'gdpr.delay' } },
      );
    }
  }
  if (duty !== 'people' && done.reference.trim() === '') {
    throw new AppError(
      'INVALID_INPUT',
      "reference: give the authority's reference (acknowledgement or case number)",
      { reason: 'reference_required' },
    );
  }
}

export function utc(at: number): string {
  return new Date(at).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
