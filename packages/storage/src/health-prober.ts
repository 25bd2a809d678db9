import type { Logger } from '@flowgento/core';
import type { ProviderCalls } from './provider-calls.ts';
import { reasonOf } from './provider-calls.ts';

/** How often down providers are looked at; each one's own wait doubles up to the cap. */
export const PROBE_INTERVAL_MS = 5_000;
export const PROBE_MAX_WAIT_MS = 60_000;

/**
 * The circuit breaker's other half: while a provider is down the tier store
 * skips it, and this checks it in the background (a probe object written,
 * listed, read back and removed) until a check passes. A pass brings it back
 * (`up` or `degraded`), and `onRecovered` lets the copy-back job start.
 */
export class HealthProber {
  private timer: NodeJS.Timeout | undefined;
  private readonly waits = new Map<string, { next: number; wait: number }>();
  private readonly probing = new Set<string>();

  constructor(
    private readonly calls: ProviderCalls,
    private readonly logger: Logger,
    private readonly onRecovered: (providerId: string) => void = () => undefined,
    private readonly intervalMs = PROBE_INTERVAL_MS,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.probeDue(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Probes every down provider at the next look, whatever its wait (tests, a manual check). */
  forgetWaits(): void {
    this.waits.clear();
  }

  /** Checks every down provider whose wait is over; resolves when all answered. */
  async probeDue(): Promise<void> {
    const now = Date.now();
    const due = this.calls.health
      .downProviders()
      .filter(({ providerId }) => !this.probing.has(providerId))
      .filter(({ providerId }) => (this.waits.get(providerId)?.next ?? 0) <= now);
    await Promise.all(
      due.map(async (target) => {
        const { providerId } = target;
        this.probing.add(providerId);
        try {
          await this.calls.run(target, 'check', () => target.provider.check());
          this.waits.delete(providerId);
          this.logger.info({ providerId }, 'storage provider is back: its check passed');
          this.onRecovered(providerId);
        } catch (error) {
          const wait = Math.min(
            (this.waits.get(providerId)?.wait ?? this.intervalMs / 2) * 2,
            PROBE_MAX_WAIT_MS,
          );
          this.waits.set(providerId, { next: Date.now() + wait, wait });
          this.logger.debug(
            { providerId, reason: reasonOf(error), nextInMs: wait },
            'storage provider still down',
          );
        } finally {
          this.probing.delete(providerId);
        }
      }),
    );
  }
}
