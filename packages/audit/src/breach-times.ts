import { AppError } from '@flowgento/core';

/** How far back a breach's awareness may be logged: a year (366 days). */
const AWARE_AT_MAX_AGE_MS = 366 * 24 * 3600 * 1000;

/**
 * The times a breach is logged with, against each other and now: what the
 * authorities receive must not be impossible (review of issue #8).
 */
export function checkBreachTimes(
  times: { awareAt: number; occurredAt: number | null },
  now: number,
): void {
  if (times.awareAt > now) {
    throw new AppError('INVALID_INPUT', 'The time of awareness cannot be in the future', {
      reason: 'aware_in_future',
    });
  }
  // Awareness is logged as it happens: a year back is far past every
  // notification window, and keeps a mistyped year (or a 0, 1970) from
  // putting every clock centuries overdue with no way to correct it.
  const earliest = now - AWARE_AT_MAX_AGE_MS;
  if (times.awareAt < earliest) {
    throw new AppError(
      'INVALID_INPUT',
      'The time of awareness cannot be more than a year ago ' +
        `(before ${new Date(earliest).toISOString().slice(0, 10)})`,
      { reason: 'aware_too_long_ago', details: { field: 'awareAt' } },
    );
  }
  // A breach cannot have happened after the moment one learnt of it, nor
  // after now: either would misstate the record the authorities receive.
  if (times.occurredAt !== null && times.occurredAt > now) {
    throw new AppError(
      'INVALID_INPUT',
      'The time of the breach cannot be in the future',
      {
        reason: 'occurred_in_future',
        details: { field: 'occurredAt' },
      },
    );
  }
  if (times.occurredAt !== null && times.occurredAt > times.awareAt) {
    throw new AppError(
      'INVALID_INPUT',
      'The time of the breach cannot be after the time of awareness',
      { reason: 'occurred_after_awareness', details: { field: 'occurredAt' } },
    );
  }
}
