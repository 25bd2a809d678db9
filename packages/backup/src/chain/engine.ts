import { join } from 'node:path';
import { isAppError, type Logger } from '@flowgento/core';
import type { KeySetup } from '@flowgento/crypto';
import type { TierProviders, TierStore } from '@flowgento/storage';
import { enforceRetention } from '../retention/job.ts';
import type { BackupSchedule } from '../schedule.ts';
import type { BackupStatus, BackupStatusSource } from '../status.ts';
import { nextDailySnapshot } from './next-snapshot.ts';
import { parseObjectName } from './object-names.ts';
import {
  REQUESTED_WAIT_MS,
  WalShipper,
  type ChainPoint,
  type ShippedSegment,
} from './shipper.ts';
import { SPOOL_FOLDER, Spool } from './spool.ts';
import { LiveSnapshot } from './live-snapshot.ts';
import { drainSpool, SNAPSHOT_LOST } from './uploader.ts';
import type { SnapshotManifest } from './snapshot-manifest.ts';
import type { ByteProgress } from './snapshot-upload.ts';

/** What the engine tells the appliance, to audit and to log. */
export type BackupEvent =
  | { type: 'snapshot.completed'; manifest: SnapshotManifest }
  | { type: 'snapshot.failed'; reason: string; message: string };

export interface BackupEngineOptions {
  databasePath: string;
  databaseKey: Buffer;
  /** The backup key: neither the database key nor a media key. */
  backupKey: Buffer;
  installationId: string;
  keySetup: KeySetup;
  dataDir: string;
  tier: TierStore;
  /** Every provider of the backup tier, for listing (retention, the window). */
  providers: TierProviders;
  /** Read each time it is needed, so a changed schedule applies at once. */
  schedule: () => BackupSchedule;
  logger: Logger;
  now?: () => number;
  onEvent?: (event: BackupEvent) => void;
  onSnapshotProgress?: ByteProgress;
  /**
   * Each segment cut by this engine, once the tier holds it: how far behind
   * the commits it is (the shipping-lag bench). Segments spooled by an
   * earlier run are uploaded without it.
   */
  onSegmentUploaded?: (segment: ShippedSegment & { uploadedAt: number }) => void;
  /** How often new commits are read (their times are this precise). */
  observeEveryMs?: number;
  /** How often what was read is cut into a segment. */
  cutEveryMs?: number;
  /** How often the log is checkpointed (with writers briefly held off). */
  checkpointEveryMs?: number;
  /** How often retention runs (also after each snapshot upload). */
  retentionEveryMs?: number;
  /** How long checkpoints wait for a snapshot's upload before it is copied. */
  copySnapshotAfterMs?: number;
  /**
   * Awaited before each snapshot or batch of segments goes up; a throw
   * keeps them spooled and is retried like a failed upload. The server
   * copies the contact vault here, so no segment reaches the tier before
   * the contact keys that open what it holds.
   */
  beforeUpload?: () => Promise<void>;
}

const LAG_SAMPLES = 120;
/**
 * A segment is cut at the turn that finds it would carry this much, not
 * only every cutEveryMs: sealing, spooling and sending a large one at once
 * made the first commits in it wait behind the last. (Commits seen
 * together keep one image per page, so a steady load rarely comes near it;
 * a bulk change that writes many distinct pages does, and one transaction
 * is never split, however large.)
 */
const CUT_BYTES = 8 * 1024 * 1024;

/**
 * Continuous backup of the encrypted database: a snapshot at the start of
 * each generation and daily at the schedule's hour, and every commit
 * shipped in between. Synchronous steps (reading the log, checkpointing)
 * run on a timer; snapshots and uploads run beside them.
 */
export class BackupEngine implements BackupStatusSource {
  private readonly shipper: WalShipper;
  private readonly spool: Spool;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly retentionTimer: NodeJS.Timeout;
  private retention: Promise<void> | null = null;
  /** Set while a snapshot holds the database file: no checkpoint then. */
  private snapshotHolds: Promise<void> | null = null;
  /** Set when a snapshot could be neither uploaded nor kept: a new generation is due. */
  private snapshotLost = false;
  /** The snapshot taken, until an upload pass takes it. */
  private live: LiveSnapshot | undefined;
  private draining: Promise<void> | null = null;
  private retryAt = 0;
  private failures = 0;
  /** Whether `lastError` is an upload's, which the next clean upload pass clears. */
  private errorFromUpload = false;
  private lastCheckpoint = 0;
  private lastCut = 0;
  private stopped = false;
  /** Segments cut but not yet uploaded, by key (only with onSegmentUploaded). */
  private readonly cutSegments = new Map<string, ShippedSegment>();
  private readonly state: {
    /** When the newest snapshot was copied: the daily schedule counts from it. */
    snapshotTakenAt: number | null;
    /** The newest snapshot whose manifest is in the tier: what the screen shows. */
    lastSnapshot: { atMs: number; generation: string } | null;
    lastShippedAt: number | null;
    shippedTo: number | null;
    lastError: BackupStatus['lastError'];
    lagHistory: BackupStatus['lagHistory'];
    window: Pick<BackupStatus, 'restorableFrom' | 'points'>;
  } = {
    snapshotTakenAt: null,
    lastSnapshot: null,
    lastShippedAt: null,
    shippedTo: null,
    lastError: null,
    lagHistory: [],
    window: { restorableFrom: null, points: [] },
  };

  /** The backup tier's first provider when this generation began. */
  private generationTarget: string | undefined;

  constructor(private readonly options: BackupEngineOptions) {
    this.now = options.now ?? Date.now;
    this.spool = new Spool(join(options.dataDir, SPOOL_FOLDER));
    this.shipper = new WalShipper({
      databasePath: options.databasePath,
      databaseKey: options.databaseKey,
      backupKey: options.backupKey,
      installationId: options.installationId,
      spool: this.spool,
      now: this.now,
      onSegment: (segment) => {
        if (options.onSegmentUploaded) this.cutSegments.set(segment.key, segment);
        this.kick();
      },
    });
    this.timer = setInterval(() => this.tick(), options.observeEveryMs ?? 200);
    this.timer.unref();
    this.retentionTimer = setInterval(
      () => void this.enforceRetention(),
      options.retentionEveryMs ?? 60 * 60 * 1000,
    );
    this.retentionTimer.unref();
    this.tick();
    this.kick();
  }

  status(): BackupStatus {
    const segments = this.spool.entries().filter((e) => e.kind === 'segment');
    const pending = segments.length;
    // The oldest change not yet in the tier: the first spooled segment's
    // first commit (even before any segment was ever shipped), else what
    // was read but not cut yet.
    const first = segments[0] && parseObjectName(segments[0].key);
    const spooledFrom =
      first?.kind === 'segment'
        ? first.fromMs
        : pending > 0
          ? this.state.shippedTo
          : null;
    const oldest = spooledFrom ?? this.shipper.pendingSince;
    const lagMs =
      this.shipper.generation === null ? null : oldest === null ? 0 : this.now() - oldest;
    const taken = this.state.snapshotTakenAt;
    return {
      // A snapshot counts once its manifest is in the tier: before that,
      // nothing of its generation can be restored.
      generation: this.state.lastSnapshot?.generation ?? null,
      lastSnapshotAt: this.state.lastSnapshot?.atMs ?? null,
      nextSnapshotAt:
        taken === null ? null : nextDailySnapshot(taken, this.options.schedule()),
      lastShippedAt: this.state.lastShippedAt,
      lagMs,
      pendingSegments: pending,
      restorableFrom: this.state.window.restorableFrom,
      restorableTo: lagMs === 0 ? this.now() : this.state.shippedTo,
      points: this.state.window.points,
      lastError: this.state.lastError,
      lagHistory: [...this.state.lagHistory],
    };
  }

  /** Applies the schedule to the tier now; failures are reported in the status. */
  enforceRetention(): Promise<void> {
    this.retention ??= enforceRetention({
      providers: this.options.providers,
      tier: this.options.tier,
      schedule: this.options.schedule(),
      now: this.now(),
    })
      .then(({ deleted, window }) => {
        this.state.window = { restorableFrom: window.from, points: window.points };
        if (deleted > 0)
          this.options.logger.info({ deleted }, 'backup retention applied');
      })
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.retention = null;
      });
    return this.retention;
  }

  /**
   * Ships the log and checkpoints it now, so that the next commit restarts
   * the log from its start (and, with `journal_size_limit = 0`, truncates
   * it): an erased contact's pages do not linger in it (issue 8). False when
   * a reader held the checkpoint up; the next regular one finishes the job.
   */
  checkpointNow(): boolean {
    if (this.snapshotHolds || this.stopped) return false;
    // Once, and for an erasure: it may hold this thread as long as before.
    const point = this.shipper.checkpoint(REQUESTED_WAIT_MS);
    if (this.shipper.lockWasBusy) return false;
    this.lastCheckpoint = this.now();
    return point !== null;
  }

  /** Resolves once everything seen so far is in the backup tier (tests, shutdown). */
  async flush(): Promise<void> {
    this.shipper.cut();
    // A snapshot lets the file go once uploaded: its upload starts now.
    this.retryAt = 0;
    this.kick();
    await this.snapshotHolds;
    this.kick();
    await this.draining;
    if (this.spool.entries().length > 0) this.kick();
    await this.draining;
  }

  /** Stops shipping: a last locked ship, then one last try to upload. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.retentionTimer);
    // A snapshot no upload has taken yet is copied now, for the last pass.
    if (this.live) void this.live.keep().catch(() => undefined);
    await this.snapshotHolds;
    await this.retention;
    this.shipper.close();
    this.retryAt = 0;
    this.kick();
    await this.draining;
  }

  private tick(): void {
    if (this.stopped) return;
    try {
      this.step();
    } catch (error) {
      this.fail(error);
    }
  }

  private step(): void {
    const now = this.now();
    if (!this.shipper.generation) {
      if (!this.snapshotHolds) this.startGeneration();
      return;
    }
    if (!this.shipper.observe()) return;
    // Its snapshot is lost (see `SNAPSHOT_LOST`): this generation's segments
    // could never be restored, so a new one begins, snapshot first.
    if (!this.snapshotHolds && this.snapshotLost) {
      this.snapshotLost = false;
      this.shipper.cut();
      this.options.logger.warn({}, 'backup snapshot lost: starting a new generation');
      this.startGeneration();
      return;
    }
    // The backup tier now starts with another provider: a chain split
    // across two places could be restored from neither alone, so the new
    // first provider gets a generation of its own, snapshot first.
    if (!this.snapshotHolds && this.firstBackupProvider() !== this.generationTarget) {
      this.shipper.cut();
      this.options.logger.info(
        { from: this.generationTarget, to: this.firstBackupProvider() },
        'backup tier changed: starting a new generation',
      );
      this.startGeneration();
      return;
    }
    const due =
      this.state.snapshotTakenAt !== null &&
      now >= nextDailySnapshot(this.state.snapshotTakenAt, this.options.schedule());
    const every = this.options.checkpointEveryMs ?? 5000;
    let checkpointed = false;
    if (!this.snapshotHolds && (due || now - this.lastCheckpoint >= every)) {
      const point = this.shipper.checkpoint();
      // Writers were busy: nothing was done, and the next turn tries again.
      checkpointed = !this.shipper.lockWasBusy;
      if (checkpointed) {
        this.lastCheckpoint = now;
        this.lastCut = now;
        if (point && due) this.snapshotAt(point);
      }
    }
    // A checkpoint cuts what it ships; otherwise a cut is due by time or size.
    if (
      !checkpointed &&
      (now - this.lastCut >= (this.options.cutEveryMs ?? 1000) ||
        this.shipper.pendingBytes >= CUT_BYTES)
    ) {
      this.shipper.cut();
      this.lastCut = now;
    }
    this.sampleLag();
  }

  private startGeneration(): void {
    const target = this.firstBackupProvider();
    const point = this.shipper.beginGeneration();
    if (!point) return;
    this.generationTarget = target;
    this.snapshotAt(point);
  }

  private firstBackupProvider(): string | undefined {
    return this.options.providers.providersOf('appliance', 'backup')[0]?.providerId;
  }

  /**
   * Holds checkpoints (writers only append to the log) and uploads the
   * file as it stands, checked beside it; see `LiveSnapshot` for when it
   * gets a copy in the spool instead. Checkpoints resume once it lets the
   * file go.
   */
  private snapshotAt(point: ChainPoint | null): void {
    if (!point) return;
    this.state.snapshotTakenAt = point.atMs;
    const live = new LiveSnapshot(
      { kind: 'snapshot', ...point, path: this.spool.snapshotPath(point) },
      this.options.databasePath,
      this.spool,
      this.options.databaseKey,
      this.options.copySnapshotAfterMs,
    );
    this.live = live;
    this.snapshotHolds = live.released.finally(() => {
      this.snapshotHolds = null;
      this.kick();
    });
    this.kick();
  }

  private kick(): void {
    if (this.draining || this.now() < this.retryAt) return;
    this.draining = drainSpool({
      spool: this.spool,
      tier: this.options.tier,
      backupKey: this.options.backupKey,
      databaseKey: this.options.databaseKey,
      installationId: this.options.installationId,
      keySetup: this.options.keySetup,
      beforeUpload: this.options.beforeUpload,
      takeLiveSnapshot: () => {
        const live = this.live;
        this.live = undefined;
        return live;
      },
      listener: {
        segmentUploaded: ({ key, toMs }) => {
          this.state.lastShippedAt = this.now();
          this.state.shippedTo = Math.max(this.state.shippedTo ?? 0, toMs);
          const cut = this.cutSegments.get(key);
          this.cutSegments.delete(key);
          if (cut) this.options.onSegmentUploaded?.({ ...cut, uploadedAt: this.now() });
        },
        snapshotUploaded: (manifest) => {
          this.state.lastSnapshot = {
            atMs: manifest.atMs,
            generation: manifest.generation,
          };
          void this.enforceRetention();
          this.options.onEvent?.({ type: 'snapshot.completed', manifest });
          this.options.logger.info(
            { generation: manifest.generation, bytes: manifest.bytes },
            'backup snapshot uploaded',
          );
        },
        snapshotProgress: this.options.onSnapshotProgress,
      },
    })
      .then(() => {
        // The outage is over: the Backups screen must not keep showing it.
        if (this.errorFromUpload) {
          this.state.lastError = null;
          this.errorFromUpload = false;
          this.options.logger.info({ failures: this.failures }, 'backup uploads resumed');
        }
        this.failures = 0;
      })
      .catch((error: unknown) => {
        // Retried with backoff: a provider outage only lengthens the spool.
        this.failures += 1;
        this.retryAt = this.now() + Math.min(60_000, 1000 * 2 ** this.failures);
        this.fail(error, true);
        const lost = isAppError(error) && error.reason === SNAPSHOT_LOST;
        if (lost) this.snapshotLost = true;
        // Audited once per outage, not at every retry.
        const snapshotWaiting = this.spool.entries()[0]?.kind === 'snapshot';
        if ((snapshotWaiting && this.failures === 1) || lost) {
          const reason = this.state.lastError?.reason ?? 'internal';
          this.options.onEvent?.({
            type: 'snapshot.failed',
            reason,
            message: messageOf(error),
          });
        }
      })
      .finally(() => {
        this.draining = null;
      });
  }

  private fail(error: unknown, fromUpload = false): void {
    this.errorFromUpload = fromUpload;
    const reason = isAppError(error) ? (error.reason ?? error.code) : 'internal';
    const provider = providerOf(error);
    this.state.lastError = {
      reason,
      message: messageOf(error),
      at: this.now(),
      ...(provider && { provider }),
    };
    if (provider) {
      // A provider outage is routine: retried with backoff, shown on the
      // Backups screen. A warning that says which and why; the stack only
      // for whoever turns on debug.
      const providerId = isAppError(error) ? error.details?.providerId : undefined;
      this.options.logger.warn(
        { reason, provider, providerId, failures: this.failures },
        'backup upload failed; will retry',
      );
      this.options.logger.debug({ err: error, reason }, 'backup upload failure detail');
      return;
    }
    this.options.logger.error({ err: error, reason }, 'backup step failed');
  }

  private sampleLag(): void {
    const lag = this.status().lagMs;
    if (lag === null) return;
    const history = this.state.lagHistory;
    const now = this.now();
    if (history.length > 0 && now - history.at(-1)!.at < 10_000) return;
    history.push({ at: now, lagMs: lag });
    if (history.length > LAG_SAMPLES) history.shift();
  }
}

/** The storage provider a failure names (the tier store adds it), if any. */
function providerOf(error: unknown): string | undefined {
  const provider = isAppError(error) ? error.details?.provider : undefined;
  return typeof provider === 'string' ? provider : undefined;
}

function messageOf(error: unknown): string {
  return isAppError(error) ? error.message : 'The backup step failed unexpectedly';
}
