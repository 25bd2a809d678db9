import { join } from 'node:path';
import { isAppError, type Logger } from '@flowgento/core';
import type { KeySetup } from '@flowgento/crypto';
import type { TierProviders, TierStore } from '@flowgento/storage';
import { enforceRetention } from '../retention/job.ts';
import type { BackupSchedule } from '../schedule.ts';
import type { BackupStatus, BackupStatusSource } from '../status.ts';
import { EngineState, messageOf } from './engine-state.ts';
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
  private readonly state: EngineState;

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
    this.state = new EngineState(this.spool, this.shipper, this.now, options.schedule);
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
    return this.state.status();
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
    const next = this.state.nextSnapshotAt();
    const due = next !== null && now >= next;
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
    this.state.sampleLag();
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
    this.state.failed(error, this.options.logger, this.failures);
  }
}
