import { isAppError, type Logger } from '@flowgento/core';
import type { BackupSchedule } from '../schedule.ts';
import type { BackupStatus } from '../status.ts';
import { nextDailySnapshot } from './next-snapshot.ts';
import { parseObjectName } from './object-names.ts';
import type { Spool } from './spool.ts';

const LAG_SAMPLES = 120;
const LAG_SAMPLE_EVERY_MS = 10_000;

/** What the status reads from the shipper. */
export interface ShipperPosition {
  generation: string | null;
  /** The oldest commit read but not yet cut, if any. */
  pendingSince: number | null;
}

/**
 * What the backup engine knows of its progress, and the status the
 * Backups screen and /metrics show from it.
 */
export class EngineState {
  /** When the newest snapshot was copied: the daily schedule counts from it. */
  snapshotTakenAt: number | null = null;
  /** The newest snapshot whose manifest is in the tier: what the screen shows. */
  lastSnapshot: { atMs: number; generation: string } | null = null;
  lastShippedAt: number | null = null;
  shippedTo: number | null = null;
  lastError: BackupStatus['lastError'] = null;
  window: Pick<BackupStatus, 'restorableFrom' | 'points'> = {
    restorableFrom: null,
    points: [],
  };
  private readonly lagHistory: BackupStatus['lagHistory'] = [];

  constructor(
    private readonly spool: Spool,
    private readonly shipper: ShipperPosition,
    private readonly now: () => number,
    private readonly schedule: () => BackupSchedule,
  ) {}

  /** When the next daily snapshot is due, once a first one was taken. */
  nextSnapshotAt(): number | null {
    const taken = this.snapshotTakenAt;
    return taken === null ? null : nextDailySnapshot(taken, this.schedule());
  }

  status(): BackupStatus {
    const segments = this.spool.entries().filter((e) => e.kind === 'segment');
    const pending = segments.length;
    // The oldest change not yet in the tier: the first spooled segment's
    // first commit (even before any segment was ever shipped), else what
    // was read but not cut yet.
    const first = segments[0] && parseObjectName(segments[0].key);
    const spooledFrom =
      first?.kind === 'segment' ? first.fromMs : pending > 0 ? this.shippedTo : null;
    const oldest = spooledFrom ?? this.shipper.pendingSince;
    const lagMs =
      this.shipper.generation === null ? null : oldest === null ? 0 : this.now() - oldest;
    return {
      // A snapshot counts once its manifest is in the tier: before that,
      // nothing of its generation can be restored.
      generation: this.lastSnapshot?.generation ?? null,
      lastSnapshotAt: this.lastSnapshot?.atMs ?? null,
      nextSnapshotAt: this.nextSnapshotAt(),
      lastShippedAt: this.lastShippedAt,
      lagMs,
      pendingSegments: pending,
      restorableFrom: this.window.restorableFrom,
      restorableTo: lagMs === 0 ? this.now() : this.shippedTo,
      points: this.window.points,
      lastError: this.lastError,
      lagHistory: [...this.lagHistory],
    };
  }

  /**
   * Shows a failure on the screen and logs it. A provider outage is
   * routine (retried with backoff): a warning that says which and why, the
   * stack only for whoever turns on debug.
   */
  failed(error: unknown, logger: Logger, failures: number): void {
    const reason = isAppError(error) ? (error.reason ?? error.code) : 'internal';
    const provider = providerOf(error);
    this.lastError = {
      reason,
      message: messageOf(error),
      at: this.now(),
      ...(provider && { provider }),
    };
    if (!provider) {
      logger.error({ err: error, reason }, 'backup step failed');
      return;
    }
    const providerId = isAppError(error) ? error.details?.providerId : undefined;
    logger.warn(
      { reason, provider, providerId, failures },
      'backup upload failed; will retry',
    );
    logger.debug({ err: error, reason }, 'backup upload failure detail');
  }

  /** Notes the lag for the screen's chart, one sample per ten seconds. */
  sampleLag(): void {
    const lag = this.status().lagMs;
    if (lag === null) return;
    const history = this.lagHistory;
    const now = this.now();
    if (history.length > 0 && now - history.at(-1)!.at < LAG_SAMPLE_EVERY_MS) return;
    history.push({ at: now, lagMs: lag });
    if (history.length > LAG_SAMPLES) history.shift();
  }
}

/** The storage provider a failure names (the tier store adds it), if any. */
function providerOf(error: unknown): string | undefined {
  const provider = isAppError(error) ? error.details?.provider : undefined;
  return typeof provider === 'string' ? provider : undefined;
}

export function messageOf(error: unknown): string {
  return isAppError(error) ? error.message : 'The backup step failed unexpectedly';
}
