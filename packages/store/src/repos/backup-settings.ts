import type { Store } from '../store.ts';

/** A backup key as stored: sealed by the key ring, never in plaintext. */
export interface BackupKeyRecord {
  id: string;
  /** Names the key on the objects it sealed and in the recovery kit. */
  fingerprint: string;
  keyWrapped: Buffer;
  createdAt: number;
}

/** The retention schedule as stored; the backup package validates it. */
export interface StoredBackupSchedule {
  changesDays: number;
  dailyDays: number;
  monthlyMonths: number;
  snapshotHourUtc: number;
  updatedAt: number;
}

interface KeyRow {
  id: string;
  fingerprint: string;
  key_wrapped: Buffer;
  created_at: number;
}

interface ScheduleRow {
  changes_days: number;
  daily_days: number;
  monthly_months: number;
  snapshot_hour_utc: number;
  updated_at: number;
}

/** The appliance's backup key and schedule (migration 016); a system repository. */
export class BackupSettingsRepo {
  constructor(private readonly store: Store) {}

  /** Every backup key, oldest first. */
  keys(): BackupKeyRecord[] {
    const rows = this.store
      .statement('SELECT * FROM backup_keys ORDER BY created_at, id')
      .all() as KeyRow[];
    return rows.map((row) => ({
      id: row.id,
      fingerprint: row.fingerprint,
      keyWrapped: row.key_wrapped,
      createdAt: row.created_at,
    }));
  }

  /** Stores a key; `wrap` receives the row id, so the seal is bound to its row. */
  addKey(input: { id: string; fingerprint: string; wrap: (id: string) => Buffer }): void {
    this.store
      .statement(
        `INSERT INTO backup_keys (id, fingerprint, key_wrapped, created_at)
         VALUES (?, ?, ?, ?)`,
      )
      .run(input.id, input.fingerprint, input.wrap(input.id), this.store.clock.now());
  }

  /** The saved schedule, or undefined while the built-in default applies. */
  schedule(): StoredBackupSchedule | undefined {
    const row = this.store
      .statement('SELECT * FROM backup_schedule WHERE id = 1')
      .get() as ScheduleRow | undefined;
    return (
      row && {
        changesDays: row.changes_days,
        dailyDays: row.daily_days,
        monthlyMonths: row.monthly_months,
        snapshotHourUtc: row.snapshot_hour_utc,
        updatedAt: row.updated_at,
      }
    );
  }

  setSchedule(schedule: Omit<StoredBackupSchedule, 'updatedAt'>): void {
    const result = this.store
      .statement(
        `INSERT INTO backup_schedule (id, changes_days, daily_days, monthly_months,
           snapshot_hour_utc, updated_at) VALUES (1, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET changes_days = excluded.changes_days,
           daily_days = excluded.daily_days, monthly_months = excluded.monthly_months,
           snapshot_hour_utc = excluded.snapshot_hour_utc,
           updated_at = excluded.updated_at`,
      )
      .run(
        schedule.changesDays,
        schedule.dailyDays,
        schedule.monthlyMonths,
        schedule.snapshotHourUtc,
        this.store.clock.now(),
      );
    if (result.changes !== 1) throw new Error('The backup schedule was not saved');
  }
}
