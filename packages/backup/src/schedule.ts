import { z } from 'zod';

/**
 * How long backups are kept: every shipped change for `changesDays` (any
 * second in that window can be restored), one point a day for `dailyDays`
 * and one a month for `monthlyMonths`. The daily snapshot is taken at
 * `snapshotHourUtc`. Retention never removes what the newest restorable
 * chain, or a restore in progress, still needs.
 */
export const backupScheduleSchema = z
  .object({
    changesDays: z.number().int().min(1).max(90),
    dailyDays: z.number().int().min(1).max(366),
    monthlyMonths: z.number().int().min(0).max(120),
    snapshotHourUtc: z.number().int().min(0).max(23),
  })
  .refine((s) => s.dailyDays >= s.changesDays, {
    message: 'Daily points must be kept at least as long as every change',
    path: ['dailyDays'],
  });

export type BackupSchedule = z.infer<typeof backupScheduleSchema>;

export const DEFAULT_BACKUP_SCHEDULE: BackupSchedule = Object.freeze({
  changesDays: 7,
  dailyDays: 30,
  monthlyMonths: 12,
  snapshotHourUtc: 2,
});
