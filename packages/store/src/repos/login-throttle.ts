import type { Store } from '../store.ts';
import type { LoginThrottleState } from '../types.ts';

/**
 * Failed sign-ins per key. The policy (how many, how long a wait) lives in the
 * access layer; this only keeps the counts where a restart cannot reset them.
 */
export class LoginThrottleRepo {
  constructor(private readonly store: Store) {}

  get(key: string): LoginThrottleState | undefined {
    return this.store
      .statement(
        `SELECT failures, last_failure_at AS lastFailureAt, blocked_until AS blockedUntil
         FROM login_throttle WHERE key = ?`,
      )
      .get(key) as LoginThrottleState | undefined;
  }

  put(key: string, state: LoginThrottleState): void {
    this.store
      .statement(
        `INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,
           last_failure_at = excluded.last_failure_at,
           blocked_until = excluded.blocked_until`,
      )
      .run(key, state.failures, state.lastFailureAt, state.blockedUntil);
  }

  /** Drops counts whose last failure is older than `at`; they no longer matter. */
  forgetBefore(at: number): void {
    this.store.statement('DELETE FROM login_throttle WHERE last_failure_at < ?').run(at);
  }

  clear(key: string): void {
    this.store.statement('DELETE FROM login_throttle WHERE key = ?').run(key);
  }
}
