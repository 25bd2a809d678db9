import type { Store } from '@flowgento/store';
import { CommitBatcher } from './commit-batcher.ts';
import {
  storeIntakeRecords,
  type IntakeRecord,
  type IntakeWrite,
} from './intake-records.ts';

/** Where verified webhook records are committed; settles after the commit. */
export interface IntakeWriter {
  write(records: IntakeRecord[]): Promise<IntakeWrite>;
  close(): Promise<void>;
}

/** Commits on the calling thread's connection (CLI tools and unit tests). */
export class InlineIntakeWriter implements IntakeWriter {
  private readonly batcher: CommitBatcher;

  constructor(private readonly store: Store) {
    this.batcher = new CommitBatcher(store);
  }

  write(records: IntakeRecord[]): Promise<IntakeWrite> {
    return this.batcher.submit(() => storeIntakeRecords(this.store, records));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
