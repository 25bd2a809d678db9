import { MINUTE_MS, systemClock, type Clock } from '@flowgento/core';
import type { StorageProvider } from './provider.ts';

/**
 * `unknown`: nothing tried yet. `up`: working. `degraded`: working, but
 * failed lately. `down`: failed `DOWN_AFTER` times in a row; skipped while
 * another provider can do the work, and probed until a check passes.
 */
export type ProviderState = 'unknown' | 'up' | 'degraded' | 'down';

export type ProviderOperation = 'put' | 'get' | 'delete' | 'check';

/** Failures in a row that take a provider down. */
export const DOWN_AFTER = 3;
/** How long a failure keeps a working provider `degraded`. */
export const DEGRADED_FOR_MS = 5 * MINUTE_MS;
/** Minutes of history kept for the chart and the metrics. */
export const HISTORY_MINUTES = 30;
const LATENCY_SAMPLES = 100;

/** One minute of a provider's operations. */
export interface MinuteOfOperations {
  /** The minute's start, milliseconds since the epoch. */
  at: number;
  operations: number;
  failures: number;
  /** Mean and slowest time of the minute's operations, in milliseconds. */
  meanMs: number;
  maxMs: number;
}

/** What one provider's health looks like now. */
export interface ProviderHealthSnapshot {
  providerId: string;
  state: ProviderState;
  consecutiveFailures: number;
  lastError: { reason: string; operation: ProviderOperation; at: number } | null;
  lastSuccessAt: number | null;
  /** Since when it is down; null when it is not. */
  downSince: number | null;
  totals: { operations: number; failures: number };
  /** Of the last 100 operations, in milliseconds; null before any. */
  latencyMs: { p50: number; p95: number } | null;
  /** The last HISTORY_MINUTES minutes, oldest first, empty minutes included. */
  minutes: MinuteOfOperations[];
}

interface Minute {
  at: number;
  operations: number;
  failures: number;
  totalMs: number;
  maxMs: number;
}

class Tracked {
  consecutiveFailures = 0;
  lastError: ProviderHealthSnapshot['lastError'] = null;
  lastFailureAt: number | null = null;
  lastSuccessAt: number | null = null;
  downSince: number | null = null;
  operations = 0;
  failures = 0;
  latencies: number[] = [];
  minutes: Minute[] = [];
  /** The provider object last used under this id, for the prober. */
  provider: StorageProvider | undefined;
}

/**
 * Every provider's health, fed by every operation the tier store makes (and
 * by the prober's checks). Kept in memory: after a restart each provider
 * starts `unknown` and its first operations tell.
 */
export class ProviderHealth {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly clock: Clock = systemClock) {}

  succeeded(providerId: string, ms: number): void {
    const t = this.entry(providerId);
    const now = this.clock.now();
    t.consecutiveFailures = 0;
    t.downSince = null;
    t.lastSuccessAt = now;
    this.count(t, now, ms, false);
  }

  failed(providerId: string, operation: ProviderOperation, reason: string, ms: number) {
    const t = this.entry(providerId);
    const now = this.clock.now();
    t.consecutiveFailures += 1;
    t.lastError = { reason, operation, at: now };
    t.lastFailureAt = now;
    if (t.consecutiveFailures >= DOWN_AFTER) t.downSince ??= now;
    this.count(t, now, ms, true);
  }

  /** Keeps the provider object an id stands for, so a down one can be probed. */
  remember(providerId: string, provider: StorageProvider): void {
    this.entry(providerId).provider = provider;
  }

  state(providerId: string): ProviderState {
    const t = this.tracked.get(providerId);
    if (!t || t.operations === 0) return 'unknown';
    if (t.downSince !== null) return 'down';
    const now = this.clock.now();
    if (t.lastFailureAt !== null && now - t.lastFailureAt < DEGRADED_FOR_MS) {
      return 'degraded';
    }
    return 'up';
  }

  isDown(providerId: string): boolean {
    return this.state(providerId) === 'down';
  }

  /** Down providers with the object to probe them through. */
  downProviders(): { providerId: string; provider: StorageProvider }[] {
    return [...this.tracked]
      .filter(([, t]) => t.downSince !== null && t.provider !== undefined)
      .map(([providerId, t]) => ({ providerId, provider: t.provider! }));
  }

  snapshot(providerId: string): ProviderHealthSnapshot {
    const t = this.tracked.get(providerId) ?? new Tracked();
    const sorted = [...t.latencies].sort((a, b) => a - b);
    return {
      providerId,
      state: this.state(providerId),
      consecutiveFailures: t.consecutiveFailures,
      lastError: t.lastError,
      lastSuccessAt: t.lastSuccessAt,
      downSince: t.downSince,
      totals: { operations: t.operations, failures: t.failures },
      latencyMs:
        sorted.length === 0
          ? null
          : { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) },
      minutes: this.history(t),
    };
  }

  /** Every provider that has been used, in the order first seen. */
  known(): string[] {
    return [...this.tracked.keys()];
  }

  private entry(providerId: string): Tracked {
    let t = this.tracked.get(providerId);
    if (!t) {
      t = new Tracked();
      this.tracked.set(providerId, t);
    }
    return t;
  }

  private count(t: Tracked, now: number, ms: number, failed: boolean): void {
    t.operations += 1;
    if (failed) t.failures += 1;
    t.latencies.push(ms);
    if (t.latencies.length > LATENCY_SAMPLES) t.latencies.shift();

    const at = now - (now % MINUTE_MS);
    let minute = t.minutes.at(-1);
    if (!minute || minute.at !== at) {
      minute = { at, operations: 0, failures: 0, totalMs: 0, maxMs: 0 };
      t.minutes.push(minute);
      while (t.minutes.length > HISTORY_MINUTES) t.minutes.shift();
    }
    minute.operations += 1;
    if (failed) minute.failures += 1;
    minute.totalMs += ms;
    minute.maxMs = Math.max(minute.maxMs, ms);
  }

  private history(t: Tracked): MinuteOfOperations[] {
    const now = this.clock.now();
    const last = now - (now % MINUTE_MS);
    const byMinute = new Map(t.minutes.map((m) => [m.at, m]));
    return Array.from({ length: HISTORY_MINUTES }, (_, i) => {
      const at = last - (HISTORY_MINUTES - 1 - i) * MINUTE_MS;
      const m = byMinute.get(at);
      return {
        at,
        operations: m?.operations ?? 0,
        failures: m?.failures ?? 0,
        meanMs: m && m.operations > 0 ? Math.round(m.totalMs / m.operations) : 0,
        maxMs: Math.round(m?.maxMs ?? 0),
      };
    });
  }
}

function percentile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] ?? 0);
}
