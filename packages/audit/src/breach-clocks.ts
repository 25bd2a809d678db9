import { HOUR_MS, MINUTE_MS } from '@flowgento/core';
import type { BreachDuty, BreachRecord } from '@flowgento/store';

/** The appliance's default target for telling people "without delay". */
export const DEFAULT_PEOPLE_TARGET_HOURS = 72;

/** Whom each clock is for, on what rule, and its window after awareness. */
export interface DutySpec {
  duty: BreachDuty;
  label: string;
  /** Where the deadline comes from, in a phrase a reader can look up. */
  basis: string;
  /** True when the law sets no hours and the window is the appliance's default. */
  applianceDefault: boolean;
}

export const DUTY_SPECS: readonly DutySpec[] = [
  {
    duty: 'cert_in',
    label: 'CERT-In',
    basis: 'CERT-In directions of 28 April 2022: within 6 hours of noticing',
    applianceDefault: false,
  },
  {
    duty: 'people',
    label: 'People affected',
    basis:
      'DPDP Rules 2025, rule 7(1); GDPR article 34(1) where the breach is likely to ' +
      'result in a high risk to people: without undue delay (the hours are the ' +
      'appliance default, not the law)',
    applianceDefault: true,
  },
  {
    duty: 'board_intimation',
    label: 'Data Protection Board of India: intimation',
    basis:
      'DPDP Rules 2025, rule 7(2)(a): without delay on becoming aware, a description ' +
      'of the breach (nature, extent, timing, location) and its likely impact',
    applianceDefault: false,
  },
  {
    duty: 'board',
    label: 'Data Protection Board of India',
    basis: 'DPDP Rules 2025, rule 7(2)(b): within 72 hours of becoming aware',
    applianceDefault: false,
  },
  {
    duty: 'gdpr',
    label: 'GDPR supervisory authority',
    basis: 'GDPR article 33(1): within 72 hours of becoming aware',
    applianceDefault: false,
  },
];

/**
 * `due_now` is a duty the law wants "without delay": it has no window, so
 * it is due from the awareness on and is never shown as running or late.
 */
export type ClockState = 'done' | 'due_now' | 'overdue' | 'due_soon' | 'running';

export interface BreachClock extends DutySpec {
  /** For a duty due without delay, the awareness itself. */
  deadline: number;
  /** Negative once the deadline has passed (for `due_now`: the time since awareness). */
  remainingMs: number;
  state: ClockState;
  done: { at: number; reference: string } | null;
}

function windowHours(breach: BreachRecord, duty: BreachDuty): number {
  if (duty === 'board_intimation') return 0;
  if (duty === 'cert_in') return 6;
  if (duty === 'people') return breach.peopleTargetHours;
  return 72;
}

/**
 * Reminders start when a quarter of the window is left, and never later
 * than one hour before the deadline (CERT-In's 6 hours: from 1h30 left).
 */
export function remindFromMs(windowMs: number): number {
  return Math.max(windowMs / 4, HOUR_MS);
}

/** Every clock of a breach as it stands at `now`. */
export function breachClocks(breach: BreachRecord, now: number): BreachClock[] {
  return DUTY_SPECS.map((spec) => {
    const windowMs = windowHours(breach, spec.duty) * HOUR_MS;
    const deadline = breach.awareAt + windowMs;
    const remainingMs = deadline - now;
    const done = breach.done[spec.duty] ?? null;
    const state: ClockState = done
      ? 'done'
      : windowMs === 0
        ? 'due_now'
        : remainingMs < 0
          ? 'overdue'
          : remainingMs <= remindFromMs(windowMs)
            ? 'due_soon'
            : 'running';
    return { ...spec, deadline, remainingMs, state, done };
  });
}

/** "5 h 03 min left", "2 h 10 min overdue": what a clock says to a person. */
export function describeRemaining(remainingMs: number): string {
  const abs = Math.abs(remainingMs);
  const hours = Math.floor(abs / HOUR_MS);
  const minutes = Math.floor((abs % HOUR_MS) / MINUTE_MS);
  const text = `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return remainingMs < 0 ? `${text} overdue` : `${text} left`;
}

/**
 * What a clock says to a person; a duty due without delay reads "due now,
 * 0 h 40 min since awareness", never "left" or "overdue".
 */
export function describeClock(clock: BreachClock): string {
  if (clock.state !== 'due_now') return describeRemaining(clock.remainingMs);
  const since = describeRemaining(-clock.remainingMs).replace(/ left$/, '');
  return `due now, ${since} since awareness`;
}

/** A clock that needs someone's attention: due now, due soon or overdue. */
export interface BreachReminder {
  breachId: string;
  title: string;
  clock: BreachClock;
}

/** The reminders of every breach at `now`, the most urgent first. */
export function dueReminders(
  breaches: readonly BreachRecord[],
  now: number,
): BreachReminder[] {
  return breaches
    .flatMap((breach) =>
      breachClocks(breach, now)
        .filter(
          (clock) =>
            clock.state === 'due_now' ||
            clock.state === 'due_soon' ||
            clock.state === 'overdue',
        )
        .map((clock) => ({ breachId: breach.id, title: breach.title, clock })),
    )
    .sort((a, b) => a.clock.deadline - b.clock.deadline);
}
