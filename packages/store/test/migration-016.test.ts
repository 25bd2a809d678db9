import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 016 (backup key and schedule) on an encrypted database', () => {
  it('applies once, after 015, with no key and the default schedule (no row)', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 15);
    expect(migrate(db, 16)).toEqual([16]);
    expect(schemaVersion(db)).toBe(16);
    expect(migrate(db, 16)).toEqual([]);
    expect(db.prepare('SELECT count(*) FROM backup_keys').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM backup_schedule').pluck().get()).toBe(0);
    db.close();
  });

  it('keeps one schedule row, refuses a second and an impossible hour', () => {
    env = tempDatabase();
    const store = env.open();
    expect(store.backupSettings.schedule()).toBeUndefined();
    const schedule = {
      changesDays: 3,
      dailyDays: 10,
      monthlyMonths: 0,
      snapshotHourUtc: 23,
    };
    store.backupSettings.setSchedule(schedule);
    store.backupSettings.setSchedule({ ...schedule, changesDays: 4 });
    expect(store.backupSettings.schedule()).toMatchObject({
      ...schedule,
      changesDays: 4,
    });
    expect(() =>
      store.db.prepare(`INSERT INTO backup_schedule VALUES (2, 1, 1, 1, 1, 1)`).run(),
    ).toThrow(/CHECK constraint failed/);
    expect(() =>
      store.backupSettings.setSchedule({ ...schedule, snapshotHourUtc: 24 }),
    ).toThrow(/CHECK constraint failed/);
    store.close();
  });

  it('stores a backup key only as the sealed blob it is given, under a unique fingerprint', () => {
    env = tempDatabase();
    const store = env.open();
    const sealed = Buffer.from('sealed-by-the-key-ring');
    store.backupSettings.addKey({ id: 'k1', fingerprint: 'f1', wrap: () => sealed });
    expect(store.backupSettings.keys()).toMatchObject([
      { id: 'k1', fingerprint: 'f1', keyWrapped: sealed },
    ]);
    expect(store.wrappedSecrets.all()).toMatchObject([
      { table: 'backup_keys', rowId: 'k1', aad: 'backup_keys/k1/key' },
    ]);
    expect(() =>
      store.backupSettings.addKey({ id: 'k2', fingerprint: 'f1', wrap: () => sealed }),
    ).toThrow(/UNIQUE constraint failed/);
    store.close();
  });
});
