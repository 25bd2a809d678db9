import type { ErrorCode } from '@flowgento/core';
import type { ContactVaultKeys } from '@flowgento/store';
import type { IntakeRecord, IntakeWrite } from './intake-records.ts';

export interface WorkerSetup {
  path: string;
  key: Uint8Array;
  /**
   * False while the backup engine runs: it must be the only checkpointer,
   * since a checkpoint it did not take could drop frames it has not shipped.
   */
  checkpoints?: boolean;
  /**
   * The contact vault (issue 8): new messages and profile names are sealed
   * with their contact's key, made here on first contact before the commit.
   * Its own connection to the vault file; SQLite's locks (WAL, busy
   * timeout) order it with the main thread's.
   */
  vault?: { path: string; keys: ContactVaultKeys };
}

export type ToWorker =
  { type: 'write'; id: number; records: IntakeRecord[] } | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'unusable'; message: string }
  | { type: 'written'; id: number; result: IntakeWrite }
  | { type: 'failed'; id: number; code: ErrorCode; message: string }
  | { type: 'closed'; stats: IntakeStats }
  /** A contact key was made: the vault must reach the backup tier. */
  | { type: 'vault-changed' };

export interface IntakeStats {
  commits: number;
  writes: number;
  busyMs: number;
}
