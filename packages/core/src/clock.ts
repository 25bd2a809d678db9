/** Time as the domain sees it; tests move it. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Where a request came from, as recorded in the audit log. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
  /**
   * The HTTP request's id, sent back as `X-Request-Id` and logged with the
   * request; absent for work that no request started (the CLI, timers).
   */
  requestId?: string | null;
}
