import type { IntakeRecord, IntakeWrite } from './intake-records.ts';

/** Where verified webhook records are committed; settles after the commit. */
export interface IntakeWriter {
  write(records: IntakeRecord[]): Promise<IntakeWrite>;
  close(): Promise<void>;
}
