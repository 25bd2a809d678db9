/** Time as the domain sees it; tests move it. Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** Where a request came from, as recorded in the audit log. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}
