import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, DAY_MS } from '@flowgento/core';
import { migrate, openEncryptedDatabase, Store } from '@flowgento/store';
import { AuditLog, AuditRetention } from '../src/index.ts';

let dir: string;
let store: Store;
let audit: AuditLog;
let retention: AuditRetention;
let time: number;

const BY = {
  actor: { type: 'system', label: 'test' },
  origin: { ip: null, userAgent: 'vitest' },
} as const;

function write(action: 'auth.logout' | 'member.invited' = 'auth.logout') {
  store.transaction(() => audit.record({ ...BY, workspaceId: null, action }));
}
const actions = () =>
  store.db.prepare('SELECT action FROM audit_log ORDER BY seq').pluck().all() as string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-retention-'));
  const db = openEncryptedDatabase({ path: join(dir, 'db'), key: randomBytes(32) });
  migrate(db);
  time = Date.UTC(2025, 0, 15);
  store = new Store(db, { now: () => time });
  audit = new AuditLog(store);
  retention = new AuditRetention(store, audit);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit retention', () => {
  it('keeps a year by default, can be raised, and refuses anything shorter', () => {
    expect(retention.months()).toBe(12);
    const before = actions();
    for (const months of [11, 0, -1, 12.5, 1201]) {
      let refused: unknown;
      try {
        retention.setMonths(months, BY);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(actions()).toEqual(before);
    // The database refuses it too, whoever asks.
    expect(() =>
      store.db.prepare('UPDATE audit_settings SET retention_months = 6').run(),
    ).toThrow(/CHECK constraint/);

    retention.setMonths(24, BY);
    expect(retention.months()).toBe(24);
    const entry = store.db
      .prepare(
        `SELECT details_json FROM audit_log WHERE action = 'audit.retention_changed'`,
      )
      .pluck()
      .get() as string;
    expect(JSON.parse(entry)).toEqual({ fromMonths: 12, toMonths: 24 });
  });

  it('removes only entries past the period, and the rest still verifies', () => {
    write('member.invited');
    write();
    time += 200 * DAY_MS;
    write();
    const oldCheckpoint = audit.checkpoint()!;
    time += 200 * DAY_MS; // the first two are now over a year old, the third is not
    write();

    expect(retention.prune(BY)).toMatchObject({ pruned: 2, firstSeq: 3 });
    expect(actions()).toEqual(['auth.logout', 'auth.logout', 'audit.pruned']);
    const report = audit.verify([oldCheckpoint]);
    expect(report).toMatchObject({ intact: true, length: 3, headSeq: 5 });
    expect(report.summary).toContain('entries before #3 were pruned by retention');

    // The append-only guard is back once the prune commits.
    expect(() => store.db.prepare('DELETE FROM audit_log WHERE seq = 3').run()).toThrow(
      /append-only/,
    );
    // Nothing more to remove: no entry written, nothing changed.
    expect(retention.prune(BY)).toMatchObject({ pruned: 0 });
    expect(actions()).toHaveLength(3);
  });

  it('still catches the oldest kept entry deleted after a prune', () => {
    write();
    time += 400 * DAY_MS;
    write();
    retention.prune(BY);
    store.db.exec('DROP TRIGGER audit_log_refuses_delete');
    store.db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    expect(audit.verify()).toMatchObject({
      intact: false,
      firstBrokenSeq: 2,
      problem: 'start',
      summary:
        'Audit chain BROKEN at entry #2: the log starts at #3, so entry #2 is missing (retention kept everything from #2).',
    });
  });

  it('keeps a raised period: nothing inside it goes', () => {
    retention.setMonths(24, BY);
    write();
    time += 400 * DAY_MS;
    expect(retention.prune(BY)).toMatchObject({ pruned: 0 });
    time += 400 * DAY_MS;
    expect(retention.prune(BY)).toMatchObject({ pruned: 2 });
  });

  it('keeps entries as long as the longest workspace rule asks, past the months', () => {
    let ruleDays: number | null = 500;
    const longer = new AuditRetention(store, audit, () => ruleDays);
    write();
    time += 400 * DAY_MS;
    expect(longer.prune(BY)).toMatchObject({ pruned: 0 });
    time += 101 * DAY_MS;
    expect(longer.prune(BY)).toMatchObject({ pruned: 1 });
    // Without the rule, the year holds again.
    ruleDays = null;
    write();
    time += 366 * DAY_MS;
    expect(longer.prune(BY)).toMatchObject({ pruned: 2 });
    expect(audit.verify()).toMatchObject({ intact: true });
  });

  it('does not believe an anchor that no prune recorded', () => {
    for (let i = 0; i < 6; i += 1) write();
    // Someone with the key deletes the first four entries and forges an
    // anchor to make it look like retention did it.
    const hash = store.db
      .prepare('SELECT hash FROM audit_log WHERE seq = 4')
      .pluck()
      .get() as string;
    store.db
      .prepare(
        `INSERT INTO audit_anchors (first_seq, prev_hash, pruned_at, pruned_count, cutoff)
         VALUES (5, ?, 0, 4, 0)`,
      )
      .run(hash);
    store.db.exec('DROP TRIGGER audit_log_refuses_delete');
    store.db.prepare('DELETE FROM audit_log WHERE seq < 5').run();
    expect(audit.verify()).toMatchObject({
      intact: false,
      firstBrokenSeq: 5,
      problem: 'anchor',
      summary: expect.stringContaining('no audit.pruned entry records') as unknown,
    });

    // The whole log gone behind an anchor past its end: caught the same way.
    store.db
      .prepare(
        `INSERT INTO audit_anchors (first_seq, prev_hash, pruned_at, pruned_count, cutoff)
         VALUES (7, ?, 0, 6, 0)`,
      )
      .run('0'.repeat(64));
    store.db.prepare('DELETE FROM audit_log').run();
    expect(audit.verify()).toMatchObject({ intact: false, problem: 'anchor' });
  });

  it('prunes nothing from a chain that does not verify', () => {
    write();
    write();
    time += 30 * DAY_MS;
    write();
    // Tampering with the recent entries, then backdating them so a prune
    // would take them (and the evidence) away.
    store.db.exec('DROP TRIGGER audit_log_refuses_update');
    store.db.prepare(`UPDATE audit_log SET at = at - ? WHERE seq <= 3`).run(800 * DAY_MS);
    time += DAY_MS;
    const before = actions();
    let refused: unknown;
    try {
      retention.prune(BY);
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({
      code: 'PRECONDITION_FAILED',
      reason: 'audit_chain_broken',
    });
    expect((refused as Error).message).toContain('BROKEN at entry #1');
    expect(actions()).toEqual(before);
    expect(store.db.prepare('SELECT count(*) FROM audit_anchors').pluck().get()).toBe(0);
  });

  it('catches a forged prune entry covering deleted entries, from an earlier checkpoint', () => {
    for (let i = 0; i < 6; i += 1) write();
    const checkpoint = audit.checkpoint()!;
    time += DAY_MS;
    write();
    // Delete everything the checkpoint saw, forge an anchor, and append an
    // audit.pruned entry that names it (the chain itself stays whole).
    const hash = store.db
      .prepare('SELECT hash FROM audit_log WHERE seq = 6')
      .pluck()
      .get() as string;
    store.db.exec('DROP TRIGGER audit_log_refuses_delete');
    store.db.prepare('DELETE FROM audit_log WHERE seq <= 6').run();
    store.db
      .prepare(
        `INSERT INTO audit_anchors (first_seq, prev_hash, pruned_at, pruned_count, cutoff)
         VALUES (7, ?, 0, 6, 0)`,
      )
      .run(hash);
    store.transaction(() =>
      audit.record({
        ...BY,
        workspaceId: null,
        action: 'audit.pruned',
        details: { keptFrom: 7, anchorHash: hash, olderThan: '1970-01-01T00:00:00.000Z' },
      }),
    );
    expect(audit.verify()).toMatchObject({ intact: true });
    expect(audit.verify([checkpoint])).toMatchObject({
      intact: false,
      problem: 'anchor',
      firstBrokenSeq: 7,
      summary: expect.stringContaining('contradicts the prune') as unknown,
    });
  });

  it('prunes nothing while a checkpoint is damaged', () => {
    write();
    time += 400 * DAY_MS;
    write();
    const before = actions();
    expect(() =>
      retention.prune(BY, () => ({
        checkpoints: [],
        problems: ['Not a checkpoint (damaged or edited): checkpoints.jsonl:3'],
      })),
    ).toThrow(/Nothing was pruned: .*damaged or edited/);
    expect(actions()).toEqual(before);
  });
});
