import { closeSync, openSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { AuditLog } from '@flowgento/audit';
import { describeSchedule, renderKitText } from '@flowgento/backup';
import { AppError } from '@flowgento/core';
import { writeFileAtomic } from '@flowgento/crypto';
import { openAppliance } from '../appliance.ts';
import { backupServicesOf } from '../backup-admin.ts';
import type { Command } from './commands.ts';
import { CLI_ACTOR, cliContext } from './context.ts';
import { say } from './output.ts';

type Values = Record<string, string | boolean | undefined>;

const operator = { workspaceId: null, ...CLI_ACTOR };

/** Opens the appliance, runs `work` on its backup services, then closes it. */
async function withBackup(
  values: Values,
  work: (backup: ReturnType<typeof backupServicesOf>) => void,
): Promise<number> {
  const { config, logger } = cliContext(values);
  const appliance = await openAppliance(config, logger, undefined, { mustExist: true });
  try {
    work(backupServicesOf(appliance, config, new AuditLog(appliance.store), null));
    return 0;
  } finally {
    appliance.store.close();
  }
}

export const kit: Command = {
  summary: 'Write the recovery kit: the backup key and what a restore needs',
  details: [
    'The kit holds the backup key (grouped, with a checksum), the installation id,',
    'the key mode, the backup tier and the steps of a restore on a new machine. In',
    'key-file mode it also holds the database key file: keep the kit offline, apart',
    'from the appliance and the backups. Writing it is audited (backup.kit_viewed).',
    'Without --out the kit is printed; with it, the file is made readable by you alone.',
  ],
  options: { out: { type: 'string', help: 'file to write the kit to (mode 0600)' } },
  run: (values) =>
    withBackup(values, (backup) => {
      const out = typeof values['out'] === 'string' ? resolve(values['out']) : null;
      // Refused before the kit is made, so a kit that cannot be saved is not audited.
      if (out) assertWritable(out);
      const text = renderKitText(backup.kits.issue(operator, 'cli'));
      if (!out) return say(text);
      writeFileAtomic(out, text, 0o600);
      say(`Recovery kit written to ${out} (readable by you alone). Print it, keep it`);
      say('offline and apart from the backups, then delete the file.');
    }),
};

export const schedule: Command = {
  summary: 'Show the backup retention schedule, or change it',
  details: [
    'Without flags, shows the schedule. With flags, changes only the values given:',
    'every change is kept for --changes-days (1-90), a daily point for --daily-days',
    '(at least as long, up to 366), a monthly point for --monthly-months (0-120), and',
    'the daily snapshot is taken at --hour (0-23, UTC). Audited as',
    'backup.schedule_changed; a value already in force changes nothing.',
  ],
  options: {
    'changes-days': { type: 'string', help: 'days in which every change is kept' },
    'daily-days': { type: 'string', help: 'days a daily point is kept' },
    'monthly-months': { type: 'string', help: 'months a monthly point is kept' },
    hour: { type: 'string', help: 'hour of the daily snapshot, UTC' },
  },
  run: (values) =>
    withBackup(values, (backup) => {
      const before = backup.schedule.current();
      const next = {
        changesDays: numberFlag(values, 'changes-days') ?? before.changesDays,
        dailyDays: numberFlag(values, 'daily-days') ?? before.dailyDays,
        monthlyMonths: numberFlag(values, 'monthly-months') ?? before.monthlyMonths,
        snapshotHourUtc: numberFlag(values, 'hour') ?? before.snapshotHourUtc,
      };
      const after = backup.schedule.change(operator, next, 'flag');
      const changed = describeSchedule(after) !== describeSchedule(before);
      say(
        `${changed ? 'Backup schedule changed' : 'Backup schedule'}: ${describeSchedule(after)}`,
      );
      say(`  every change kept ${after.changesDays} days`);
      say(`  a daily point kept ${after.dailyDays} days`);
      say(`  a monthly point kept ${after.monthlyMonths} months`);
      say(`  daily snapshot at ${String(after.snapshotHourUtc).padStart(2, '0')}:00 UTC`);
    }),
};

// The schema names fields by their API names; flags are refused by their own.
function numberFlag(values: Values, flag: string): number | undefined {
  const text = values[flag];
  if (typeof text !== 'string') return undefined;
  if (!/^\d+$/.test(text.trim())) {
    throw new AppError(
      'INVALID_INPUT',
      `--${flag} must be a whole number, not "${text}"`,
      {
        reason: 'backup_schedule_invalid',
        details: { field: flag },
      },
    );
  }
  return Number(text);
}

function assertWritable(path: string): void {
  const probe = `${path}.${process.pid}.tmp`;
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    rmSync(probe);
  } catch (cause) {
    throw new AppError('INVALID_INPUT', `The kit cannot be written to ${path}`, {
      reason: 'kit_out_unwritable',
      cause,
    });
  }
}
