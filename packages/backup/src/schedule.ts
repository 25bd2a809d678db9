import { z } from 'zod';

/**
 * How long backups are kept: every shipped change for `changesDays` (any
 * second in that window can be restored), one point a day for `dailyDays`
 * and one a month for `monthlyMonths`. The daily snapshot is taken at
 * `snapshotHourUtc`. Retention never removes what the newest restorable
 * chain, or a restore in progress, still needs.
 */
/**
 * Each value's allowed range and the names a person sees it by: the form's
 * label on the Backups page (`apps/web/src/backup/ScheduleForm.tsx` shows the
 * same words) and the flag of `flowgento backup schedule`.
 */
export const SCHEDULE_FIELDS = {
  changesDays: {
    label: 'Every change kept (days)',
    flag: '--changes-days',
    min: 1,
    max: 90,
  },
  dailyDays: {
    label: 'Daily points kept (days)',
    flag: '--daily-days',
    min: 1,
    max: 366,
  },
  monthlyMonths: {
    label: 'Monthly points kept (months)',
    flag: '--monthly-months',
    min: 0,
    max: 120,
  },
  snapshotHourUtc: {
    label: 'Daily snapshot hour (UTC)',
    flag: '--hour',
    min: 0,
    max: 23,
  },
} as const;

export type ScheduleField = keyof typeof SCHEDULE_FIELDS;

const ranged = (field: ScheduleField) =>
  z.number().int().min(SCHEDULE_FIELDS[field].min).max(SCHEDULE_FIELDS[field].max);

export const backupScheduleSchema = z
  .object({
    changesDays: ranged('changesDays'),
    dailyDays: ranged('dailyDays'),
    monthlyMonths: ranged('monthlyMonths'),
    snapshotHourUtc: ranged('snapshotHourUtc'),
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
