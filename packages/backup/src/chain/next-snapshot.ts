import type { BackupSchedule } from '../schedule.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The first `snapshotHourUtc` o'clock strictly after `after`. */
export function nextDailySnapshot(after: number, schedule: BackupSchedule): number {
  const day = Math.floor(after / DAY_MS) * DAY_MS;
  const today = day + schedule.snapshotHourUtc * HOUR_MS;
  return today > after ? today : today + DAY_MS;
}
