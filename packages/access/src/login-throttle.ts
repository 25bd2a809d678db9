import { AppError, DAY_MS, type Clock, MINUTE_MS } from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import type { LoginThrottleState, Store } from '@flowgento/store';

/** Failures older than this (since the last one) are forgotten. */
const FORGET_AFTER_MS = DAY_MS;

/** How many failures a key may have for free, and how the wait grows after. */
export interface ThrottlePolicy {
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/** Five wrong passwords, then 30 s, 1 min, 2 min, … at most 15 minutes. */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  freeFailures: 5,
  firstDelayMs: 30 * 1000,
  maxDelayMs: 15 * MINUTE_MS,
};

/**
 * One address gets more room: an office behind one router shares it, and
 * several agents mistyping on a Monday morning must not lock each other out.
 * It still stops one machine from trying a password against many accounts.
 */
export const ADDRESS_POLICY: ThrottlePolicy = {
  freeFailures: 20,
  firstDelayMs: 30 * 1000,
  maxDelayMs: 15 * MINUTE_MS,
};

export interface ThrottleKey {
  kind: 'account' | 'address';
  key: string;
  policy: ThrottlePolicy;
}

/** The wait after the `failures`-th failure in a row; 0 while still free. */
export function delayAfter(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** doublings);
}

/**
 * Brute-force protection for sign-in, per account and per client address.
 * The account key is a hash of the normalised email whether or not such an
 * account exists, so the answer never tells an attacker which emails are
 * real. Counts live in the database; checks in flight live in memory, so that
 * many parallel guesses cannot all slip in before the first failure is saved.
 */
export class LoginThrottle {
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  keysFor(email: string, ip: string | null): ThrottleKey[] {
    return [
      { kind: 'account', key: `account:${accountHash(email)}`, policy: ACCOUNT_POLICY },
      { kind: 'address', key: `address:${ip ?? 'unknown'}`, policy: ADDRESS_POLICY },
    ];
  }

  /**
   * Refuses with RATE_LIMITED while any key waits, before any password is
   * checked. Otherwise reserves a check; call the returned function after it.
   */
  admit(keys: ThrottleKey[]): () => void {
    const now = this.clock.now();
    for (const { key, policy } of keys) {
      const state = this.current(key, now);
      if (state && state.blockedUntil > now) {
        throw tooManyAttempts(state.blockedUntil, now);
      }
      const allowed = Math.max(1, policy.freeFailures - (state?.failures ?? 0));
      if ((this.inFlight.get(key) ?? 0) >= allowed) {
        throw new AppError(
          'RATE_LIMITED',
          'Another sign-in is being checked. Try again in a few seconds.',
          { reason: 'login_in_flight' },
        );
      }
    }
    for (const { key } of keys) this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);

    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const { key } of keys) {
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left > 0) this.inFlight.set(key, left);
        else this.inFlight.delete(key);
      }
    };
  }

  /** Counts a failure under every key; returns the longest wait it started. */
  recordFailure(keys: ThrottleKey[]): number {
    const now = this.clock.now();
    // Failures are rare enough to pay for this sweep, which keeps emails
    // sprayed by an attacker from piling up.
    this.store.loginThrottle.forgetBefore(now - FORGET_AFTER_MS);
    let longest = 0;
    for (const { key, policy } of keys) {
      const failures = (this.current(key, now)?.failures ?? 0) + 1;
      const delay = delayAfter(failures, policy);
      this.store.loginThrottle.put(key, {
        failures,
        lastFailureAt: now,
        blockedUntil: now + delay,
      });
      longest = Math.max(longest, delay);
    }
    return longest;
  }

  /** A correct password clears the account's count; the address keeps its own. */
  recordSuccess(keys: ThrottleKey[]): void {
    for (const { kind, key } of keys) {
      if (kind === 'account') this.store.loginThrottle.clear(key);
    }
  }

  private current(key: string, now: number): LoginThrottleState | undefined {
    const state = this.store.loginThrottle.get(key);
    if (!state || now - state.lastFailureAt > FORGET_AFTER_MS) return undefined;
    return state;
  }
}

/** The same hash for "Ann@X.test " and "ann@x.test". */
export function accountHash(email: string): string {
  return sha256Hex(email.trim().normalize('NFKC').toLowerCase());
}

function tooManyAttempts(blockedUntil: number, now: number): AppError {
  const seconds = Math.ceil((blockedUntil - now) / 1000);
  const at = new Date(blockedUntil).toISOString().slice(11, 19);
  return new AppError(
    'RATE_LIMITED',
    `Too many failed sign-ins. Try again in ${waitText(seconds)} (after ${at} UTC).`,
    { reason: 'login_throttled', details: { retryAfterSeconds: seconds } },
  );
}

function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
