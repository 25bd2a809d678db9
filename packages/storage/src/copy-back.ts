import type { Logger } from '@flowgento/core';
import type { Store } from '@flowgento/store';
import type { FailoverTierStore } from './failover-tier-store.ts';
import { recordId } from './places.ts';
import { reasonOf } from './provider-calls.ts';

/** How often the job looks for objects away from their tier's first provider. */
export const COPY_BACK_INTERVAL_MS = 60_000;
const PAGE = 100;

/** What one run did. */
export interface CopyBackReport {
  startedAt: number;
  ms: number;
  /** Objects looked at. */
  objects: number;
  copied: number;
  confirmed: number;
  removed: number;
  /** Objects left for a later run (a provider down, a copy that failed). */
  waiting: number;
  /** Owners' tiers skipped whole because their first provider is down. */
  tiersWaiting: number;
  /** Objects whose step failed unexpectedly (logged). */
  failed: number;
  /** The appliance stopped the run before it ended. */
  stopped: boolean;
}

/**
 * The background job that undoes failover: objects whose recorded copies
 * lack a settled one at their tier's current first provider are copied
 * there once it is not down, verified, and their other copies removed
 * (`FailoverTierStore.settle`). Everything it knows is in the location
 * records, each step leaves them true, and an object's step can be
 * abandoned at any point, so a run stopped with the appliance (or killed)
 * simply goes on from the records at the next start.
 */
export class CopyBackJob {
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<CopyBackReport> | undefined;
  private readonly stopping = new AbortController();
  lastReport: CopyBackReport | null = null;
  readonly totals = { runs: 0, copied: 0, removed: 0, failed: 0 };

  constructor(
    private readonly objects: FailoverTierStore,
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly intervalMs = COPY_BACK_INTERVAL_MS,
  ) {}

  /** Runs soon after start, then every interval. */
  start(): void {
    this.schedule(1_000);
    this.timer ??= setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
  }

  /** Asks for a run shortly (a provider came back); runs never overlap. */
  schedule(delayMs = 500): void {
    if (this.soon || this.stopping.signal.aborted) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.run();
    }, delayMs);
    this.soon.unref();
  }

  /** One run; while one is under way, that one. */
  run(): Promise<CopyBackReport> {
    this.running ??= this.work().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops the timers and the run under way (its object's step is abandoned safely). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.soon);
    this.stopping.abort();
    await this.running?.catch(() => undefined);
  }

  private async work(): Promise<CopyBackReport> {
    const signal = this.stopping.signal;
    const report: CopyBackReport = {
      startedAt: Date.now(),
      ms: 0,
      objects: 0,
      copied: 0,
      confirmed: 0,
      removed: 0,
      waiting: 0,
      tiersWaiting: 0,
      failed: 0,
      stopped: false,
    };
    const began = performance.now();

    groups: for (const { owner, tier } of this.store.objectLocationIndex.groups()) {
      let first;
      try {
        first = this.objects.firstProviderOf(owner, tier);
      } catch (error) {
        report.failed += 1;
        this.logger.warn(
          { tier, reason: reasonOf(error) },
          'storage copy-back: tier unusable',
        );
        continue;
      }
      if (!first) continue;
      if (this.objects.health.isDown(first.providerId)) {
        report.tiersWaiting += 1;
        continue;
      }
      const records = this.objects.recordsOf(owner);
      let after = '';
      for (;;) {
        const keys = records.keysNeedingWork(
          tier,
          recordId(first.providerId),
          after,
          PAGE,
        );
        for (const key of keys) {
          if (signal.aborted) break groups;
          report.objects += 1;
          try {
            const outcome = await this.objects.settle(owner, tier, key, signal);
            report.copied += Number(outcome.copied);
            report.confirmed += outcome.confirmed;
            report.removed += outcome.removed;
            if (outcome.waiting) report.waiting += 1;
            if (outcome.waiting === 'first_provider_down') {
              report.tiersWaiting += 1;
              continue groups;
            }
          } catch (error) {
            if (signal.aborted) break groups;
            report.failed += 1;
            this.logger.warn(
              { tier, reason: reasonOf(error) },
              'storage copy-back step failed',
            );
          }
        }
        if (keys.length < PAGE) break;
        after = keys.at(-1) ?? after;
      }
    }

    report.stopped = signal.aborted;
    report.ms = Math.round(performance.now() - began);
    this.lastReport = report;
    this.totals.runs += 1;
    this.totals.copied += report.copied;
    this.totals.removed += report.removed;
    this.totals.failed += report.failed;
    const busy = report.objects > 0 || report.tiersWaiting > 0 || report.stopped;
    if (busy) this.logger.info(report, 'storage copy-back run');
    else this.logger.debug(report, 'storage copy-back run: nothing to do');
    return report;
  }
}
