/**
 * What the backup engine reports, for the admin screen, the CLI and
 * metrics. Times are milliseconds since the epoch; null means "not yet".
 */
export interface BackupStatus {
  /**
   * The generation (a snapshot and every change after it) of the newest
   * snapshot whose manifest is in the backup tier; null until one is.
   */
  generation: string | null;
  /** When that snapshot was taken; a snapshot still uploading does not count. */
  lastSnapshotAt: number | null;
  nextSnapshotAt: number | null;
  /** When the newest change reached the backup tier. */
  lastShippedAt: number | null;
  /** How far the backup tier is behind the database now. */
  lagMs: number | null;
  /** Changes held in the local spool because the backup tier has not taken them yet. */
  pendingSegments: number;
  /** The window in which any second can be restored. */
  restorableFrom: number | null;
  restorableTo: number | null;
  /** Older points kept by the schedule (daily, monthly), restorable exactly. */
  points: { at: number; kind: 'daily' | 'monthly' }[];
  /** `provider`: the name of the storage provider that failed, when known. */
  lastError: {
    reason: string;
    message: string;
    at: number;
    provider?: string;
  } | null;
  /** Recent lag samples, oldest first, for a chart. */
  lagHistory: { at: number; lagMs: number }[];
}

/** Something that can say how backups stand: the running engine. */
export interface BackupStatusSource {
  status(): BackupStatus;
}
