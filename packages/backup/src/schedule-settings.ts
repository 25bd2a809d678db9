import type { AuditActor, AuditLog } from '@flowgento/audit';
import { AppError, type RequestOrigin } from '@flowgento/core';
import type { Store } from '@flowgento/store';
import {
  backupScheduleSchema,
  DEFAULT_BACKUP_SCHEDULE,
  SCHEDULE_FIELDS,
  type BackupSchedule,
  type ScheduleField,
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
  change(
    acting: ScheduleActing,
    input: unknown,
    naming: ScheduleNaming = 'label',
  ): BackupSchedule {
    assertApplianceWide(this.store, acting.workspaceId);
    const next = parseSchedule(input, naming);
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

/** Whose words a refusal uses: the form's labels, or the CLI's flags. */
export type ScheduleNaming = 'label' | 'flag';

/**
 * A schedule from outside (a form, CLI flags), checked by the shared
 * schema. The first problem is refused as `INVALID_INPUT` /
 * `backup_schedule_invalid`, in words that name the field as the person
 * sees it and say what it takes; `details.field` keeps the schema's name so
 * a form can mark the field.
 */
export function parseSchedule(
  input: unknown,
  naming: ScheduleNaming = 'label',
): BackupSchedule {
  const result = backupScheduleSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'schedule';
  throw new AppError('INVALID_INPUT', scheduleProblem(field, issue?.code, naming), {
    reason: 'backup_schedule_invalid',
    details: { field },
  });
}

function scheduleProblem(
  field: string,
  code: string | undefined,
  naming: ScheduleNaming,
) {
  if (!(field in SCHEDULE_FIELDS)) return 'The backup schedule is incomplete';
  const name = (f: ScheduleField) => SCHEDULE_FIELDS[f][naming];
  const { min, max } = SCHEDULE_FIELDS[field as ScheduleField];
  // The one rule across fields (see backupScheduleSchema's refine).
  if (code === 'custom') {
    return `${name('dailyDays')} must be at least ${name('changesDays')}`;
  }
  return `${name(field as ScheduleField)} must be a whole number from ${min} to ${max}`;
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
