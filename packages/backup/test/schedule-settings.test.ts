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
    [{ changesDays: 0 }, 'changesDays'],
    [{ changesDays: 91, dailyDays: 100 }, 'changesDays'],
    [{ dailyDays: 5 }, 'dailyDays'],
    [{ monthlyMonths: -1 }, 'monthlyMonths'],
    [{ snapshotHourUtc: 24 }, 'snapshotHourUtc'],
    [{ snapshotHourUtc: 1.5 }, 'snapshotHourUtc'],
  ])('refuses %o naming %s', (change, field) => {
    const attempt = () => parseSchedule({ ...DEFAULT_BACKUP_SCHEDULE, ...change });
    expect(attempt).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        reason: 'backup_schedule_invalid',
        details: { field },
        message: expect.stringMatching(new RegExp(`^${field}: `)),
      }),
    );
  });
});
