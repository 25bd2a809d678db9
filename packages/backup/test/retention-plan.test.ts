import { describe, expect, it } from 'vitest';
import {
  DEFAULT_BACKUP_SCHEDULE,
  leaseKey,
  manifestKey,
  parseObjectName,
  segmentKey,
  snapshotKey,
  type BackupObjectName,
} from '../src/index.ts';
import { planRetention } from '../src/retention/plan.ts';
import { planRestore } from '../src/restore/plan.ts';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const NOW = Date.UTC(2026, 6, 15, 12, 0, 0);
const SHA = 'a'.repeat(64);

/**
 * A generation's listing: a snapshot every day at 02:00 UTC from `fromDay`
 * to `toDay` (days before NOW), and a segment every hour in between.
 */
function generation(
  fromDay: number,
  toDay: number,
  tag = '0000abcd',
): BackupObjectName[] {
  const start = Math.floor((NOW - fromDay * DAY) / DAY) * DAY + 2 * HOUR;
  const end = NOW - toDay * DAY;
  const generation = `${String(start)}-${tag}`;
  const keys: string[] = [];
  let sequence = 0;
  for (let at = start; at <= end; at += HOUR) {
    if ((at - start) % DAY === 0) {
      const point = { generation, baseSequence: sequence, atMs: at };
      keys.push(snapshotKey(point), manifestKey({ ...point, sha256: SHA }));
    }
    sequence += 1;
    keys.push(
      segmentKey({
        generation,
        sequence,
        fromMs: at + 1,
        toMs: at + HOUR - 1,
        sha256: SHA,
      }),
    );
  }
  return keys.map((k) => parseObjectName(k)!);
}

const remaining = (names: BackupObjectName[], plan: { delete: string[] }) =>
  names.filter((n) => !plan.delete.includes(n.key));

describe('retention planning', () => {
  it('keeps every change for the window, a daily point for 30 days and a monthly one for 12 months', () => {
    const names = generation(400, 0);
    const plan = planRetention({ names, schedule: DEFAULT_BACKUP_SCHEDULE, now: NOW });
    const left = remaining(names, plan);

    // Any second of the last 7 days restores from what is left.
    for (let t = NOW - 7 * DAY; t <= NOW; t += 7 * HOUR + 13_000) {
      expect(() => planRestore(left, t, NOW)).not.toThrow();
    }
    const snapshots = left.filter((n) => n.kind === 'snapshot');
    const days = new Set(
      snapshots.map((s) => new Date(s.atMs).toISOString().slice(0, 10)),
    );
    // 30 daily points (and the 7-day window's chain base among them).
    expect(
      [...days].filter((d) => Date.parse(d) >= NOW - 30 * DAY).length,
    ).toBeGreaterThanOrEqual(30);
    const months = new Set(
      snapshots.map((s) => new Date(s.atMs).toISOString().slice(0, 7)),
    );
    expect(months.size).toBe(12);
    // Nothing older than 12 months, and no segment older than the window's base.
    expect(Math.min(...snapshots.map((s) => s.atMs))).toBeGreaterThanOrEqual(
      Date.UTC(2025, 7, 1),
    );
    const oldestSegment = Math.min(
      ...left.filter((n) => n.kind === 'segment').map((n) => n.fromMs),
    );
    expect(oldestSegment).toBeGreaterThan(NOW - 8 * DAY);
    // A daily point outside the window restores exactly at its time.
    const point = snapshots.find((s) => s.atMs < NOW - 10 * DAY)!;
    expect(() => planRestore(left, point.atMs, NOW)).not.toThrow();
    expect(() => planRestore(left, point.atMs + 1000, NOW)).toThrow(
      /outside the backup window/,
    );
  });

  it('never deletes the newest restorable chain, however old it is', () => {
    // The appliance was off for three weeks: its last chain ended then.
    const names = generation(40, 21);
    const plan = planRetention({ names, schedule: DEFAULT_BACKUP_SCHEDULE, now: NOW });
    const left = remaining(names, plan);
    expect(() => planRestore(left, NOW - 21 * DAY, NOW)).not.toThrow();
    expect(() => planRestore(left, NOW, NOW)).not.toThrow();
  });

  it('lets a newer generation take over the window from an older one', () => {
    const old = generation(60, 10, '0000aaaa');
    const current = generation(9, 0, '0000bbbb');
    const names = [...old, ...current];
    const plan = planRetention({ names, schedule: DEFAULT_BACKUP_SCHEDULE, now: NOW });
    const left = remaining(names, plan);
    expect(left.some((n) => n.kind === 'segment' && n.generation.endsWith('aaaa'))).toBe(
      false,
    );
    expect(
      left.filter((n) => n.kind === 'snapshot' && n.generation.endsWith('aaaa')).length,
    ).toBeGreaterThan(0);
    for (let t = NOW - 7 * DAY; t <= NOW; t += 5 * HOUR) {
      expect(() => planRestore(left, t, NOW)).not.toThrow();
    }
  });

  it('keeps what a restore in progress leased until the lease expires', () => {
    const names = generation(20, 0);
    const old = names.find((n) => n.kind === 'snapshot' && n.atMs < NOW - 15 * DAY)!;
    if (old.kind !== 'snapshot') throw new Error('no old snapshot');
    const lease = (expiresMs: number) =>
      parseObjectName(
        leaseKey(
          {
            expiresMs,
            generation: old.generation,
            baseSequence: old.baseSequence,
            toSequence: old.baseSequence + 5,
          },
          '0123456789abcdef',
        ),
      )!;
    const leased = planRetention({
      names: [...names, lease(NOW + HOUR)],
      schedule: DEFAULT_BACKUP_SCHEDULE,
      now: NOW,
    });
    const needed = names.filter(
      (n) =>
        n.kind === 'segment' &&
        n.sequence > old.baseSequence &&
        n.sequence <= old.baseSequence + 5,
    );
    expect(needed).toHaveLength(5);
    for (const n of needed) expect(leased.delete).not.toContain(n.key);

    const expired = lease(NOW - 1);
    const after = planRetention({
      names: [...names, expired],
      schedule: DEFAULT_BACKUP_SCHEDULE,
      now: NOW,
    });
    for (const n of needed) expect(after.delete).toContain(n.key);
    expect(after.delete).toContain(expired.key);
  });

  it('gives an unfinished snapshot a day to finish uploading, then removes it', () => {
    const names = generation(3, 0);
    const recent = parseObjectName(
      snapshotKey({
        generation: names[0]!.key.split('/')[1]!,
        baseSequence: 70,
        atMs: NOW - HOUR,
      }),
    )!;
    const stale = parseObjectName(
      snapshotKey({
        generation: names[0]!.key.split('/')[1]!,
        baseSequence: 10,
        atMs: NOW - 2 * DAY - 1,
      }),
    )!;
    const plan = planRetention({
      names: [...names, recent, stale],
      schedule: DEFAULT_BACKUP_SCHEDULE,
      now: NOW,
    });
    expect(plan.delete).not.toContain(recent.key);
    expect(plan.delete).toContain(stale.key);
  });
});
