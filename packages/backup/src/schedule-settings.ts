import type { AuditActor, AuditLog } from '@flowgento/audit';
import { AppError, type RequestOrigin } from '@flowgento/core';
import type { Store } from '@flowgento/store';
import {
  backupScheduleSchema,
  DEFAULT_BACKUP_SCHEDULE,
  type BackupSchedule,
} from './schedule.ts';
import { assertApplianceWide } from './appliance-scope.ts';

/** Who changes the schedule: a member (with their workspace) or the CLI. */
export interface ScheduleActing {
  workspaceId: string | null;
  actor: AuditActor;
  origin: RequestOrigin;
}

/**
 * The appliance-wide retention schedule: what the backup engine keeps and
 * when it takes the daily snapshot. Read on every call, so a change made at
 * the command line reaches the running engine at once.
 */
export class BackupScheduleSettings {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
  ) {}

  /** The saved schedule, or the default until one is saved. */
  current(): BackupSchedule {
    const saved = this.store.backupSettings.schedule();
    if (!saved) return { ...DEFAULT_BACKUP_SCHEDULE };
    return {
      changesDays: saved.changesDays,
      dailyDays: saved.dailyDays,
      monthlyMonths: saved.monthlyMonths,
      snapshotHourUtc: saved.snapshotHourUtc,
    };
  }

  /**
   * Validates and saves a schedule, with a `backup.schedule_changed` entry
   * in the same transaction. Bad input is refused naming the field and
   * changes nothing; the schedule already in force writes nothing.
   */
  change(acting: ScheduleActing, input: unknown): BackupSchedule {
    assertApplianceWide(this.store, acting.workspaceId);
    const next = parseSchedule(input);
    return this.store.transaction(() => {
      const before = this.current();
      if (sameSchedule(before, next)) return before;
      this.store.backupSettings.setSchedule(next);
      this.audit.record({
        workspaceId: acting.workspaceId,
        actor: acting.actor,
        origin: acting.origin,
        action: 'backup.schedule_changed',
        details: { from: describeSchedule(before), to: describeSchedule(next) },
      });
      return next;
    });
  }
}

/**
 * A schedule from outside (a form, CLI flags), checked by the shared
 * schema. The first problem is named by its field, as `INVALID_INPUT` /
 * `backup_schedule_invalid` with `details.field`.
 */
export function parseSchedule(input: unknown): BackupSchedule {
  const result = backupScheduleSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'schedule';
  throw new AppError('INVALID_INPUT', `${field}: ${issue?.message ?? 'invalid'}`, {
    reason: 'backup_schedule_invalid',
    details: { field },
  });
}

/** One line for the audit log and the CLI: `changes 7d, daily 30d, monthly 12mo, 02:00 UTC`. */
export function describeSchedule(schedule: BackupSchedule): string {
  const hour = String(schedule.snapshotHourUtc).padStart(2, '0');
  return (
    `changes ${schedule.changesDays}d, daily ${schedule.dailyDays}d, ` +
    `monthly ${schedule.monthlyMonths}mo, ${hour}:00 UTC`
  );
}

function sameSchedule(a: BackupSchedule, b: BackupSchedule): boolean {
  return (
    a.changesDays === b.changesDays &&
    a.dailyDays === b.dailyDays &&
    a.monthlyMonths === b.monthlyMonths &&
    a.snapshotHourUtc === b.snapshotHourUtc
  );
}
