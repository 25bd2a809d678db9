import type { ErrorCode } from '@flowgento/core';
import type { IntakeRecord, IntakeWrite } from './intake-records.ts';

export interface WorkerSetup {
  path: string;
  key: Uint8Array;
  /**
   * False while the backup engine runs: it must be the only checkpointer,
   * since a checkpoint it did not take could drop frames it has not shipped.
   */
  checkpoints?: boolean;
}

export type ToWorker =
  { type: 'write'; id: number; records: IntakeRecord[] } | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'unusable'; message: string }
  | { type: 'written'; id: number; result: IntakeWrite }
  | { type: 'failed'; id: number; code: ErrorCode; message: string }
  | { type: 'closed'; stats: IntakeStats };

export interface IntakeStats {
  commits: number;
  writes: number;
  busyMs: number;
}
