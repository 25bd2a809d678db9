import { DAY_MS, HOUR_MS, type Clock, type Logger } from '@flowgento/core';
import type { RetentionService } from '@flowgento/messaging';

/** How often the running appliance checks whether the daily run is due. */
export const RETENTION_TICK_MS = HOUR_MS;

const SYSTEM = {
  actor: { type: 'system', label: 'retention' },
  origin: { ip: null, userAgent: null },
} as const;

export interface RetentionKeeper {
  /** Runs every workspace's rules now (what the timer does once a day). */
  runNow(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs the retention rules once a day, by the appliance's clock: the first
 * run an hour after start, then whenever a day has passed since the last.
 * The check is hourly so that a clock moved forward (or a machine asleep)
 * is caught up within the hour. A failed run is logged and tried next tick.
 */
export function startRetentionKeeper(input: {
  retention: RetentionService;
  clock: Clock;
  logger: Logger;
}): RetentionKeeper {
  const { retention, clock, logger } = input;
  let running: Promise<void> | null = null;
  retention.nextRunAt = clock.now() + RETENTION_TICK_MS;

  const runNow = (): Promise<void> => {
    running ??= retention
      .runAll(SYSTEM)
      .catch((error: unknown) => logger.error({ err: error }, 'retention run failed'))
      .finally(() => {
        retention.nextRunAt = clock.now() + DAY_MS;
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (retention.nextRunAt !== null && clock.now() >= retention.nextRunAt) {
      void runNow();
    }
  }, RETENTION_TICK_MS);
  timer.unref();

  return {
    runNow,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
