import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKUP_SCHEDULE,
  describeSchedule,
  parseSchedule,
} from '../src/index.ts';

describe('a backup schedule from outside', () => {
  it('accepts the default and describes it in one line', () => {
    expect(parseSchedule({ ...DEFAULT_BACKUP_SCHEDULE })).toEqual(
      DEFAULT_BACKUP_SCHEDULE,
    );
    expect(describeSchedule(DEFAULT_BACKUP_SCHEDULE)).toBe(
      'changes 7d, daily 30d, monthly 12mo, 02:00 UTC',
    );
  });

  it.each([
    [
      { changesDays: 0 },
      'changesDays',
      'Every change kept (days) must be a whole number from 1 to 90',
    ],
    [
      { changesDays: 91, dailyDays: 100 },
      'changesDays',
      'Every change kept (days) must be a whole number from 1 to 90',
    ],
    [
      { dailyDays: 5 },
      'dailyDays',
      'Daily points kept (days) must be at least Every change kept (days)',
    ],
    [
      { monthlyMonths: -1 },
      'monthlyMonths',
      'Monthly points kept (months) must be a whole number from 0 to 120',
    ],
    [
      { snapshotHourUtc: 24 },
      'snapshotHourUtc',
      'Daily snapshot hour (UTC) must be a whole number from 0 to 23',
    ],
    [
      { snapshotHourUtc: 1.5 },
      'snapshotHourUtc',
      'Daily snapshot hour (UTC) must be a whole number from 0 to 23',
    ],
    [
      { changesDays: null },
      'changesDays',
      'Every change kept (days) must be a whole number from 1 to 90',
    ],
  ])('refuses %o naming %s as the form labels it', (change, field, message) => {
    const attempt = () => parseSchedule({ ...DEFAULT_BACKUP_SCHEDULE, ...change });
    expect(attempt).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        reason: 'backup_schedule_invalid',
        details: { field },
        message,
      }),
    );
  });

  it('names the CLI flags and their ranges when asked to', () => {
    const refusal = (change: object) => {
      try {
        parseSchedule({ ...DEFAULT_BACKUP_SCHEDULE, ...change }, 'flag');
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(refusal({ snapshotHourUtc: 24 })).toBe(
      '--hour must be a whole number from 0 to 23',
    );
    expect(refusal({ dailyDays: 3 })).toBe(
      '--daily-days must be at least --changes-days',
    );
  });
});
