import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, Store } from '@flowgento/store';
import { AuditLog } from '../src/index.ts';

let dir: string;
let store: Store;
let audit: AuditLog;
/** The time the store sees; tests move it. */
let time: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-audit-'));
  const db = openEncryptedDatabase({ path: join(dir, 'db'), key: randomBytes(32) });
  migrate(db);
  time = Date.UTC(2026, 0, 1);
  store = new Store(db, { now: () => time });
  audit = new AuditLog(store);
  for (const action of [
    'workspace.created',
    'member.invited',
    'member.joined',
    'auth.logout',
  ] as const) {
    store.transaction(() =>
      audit.record({
        workspaceId: null,
        actor: { type: 'system', label: 'test' },
        action,
        origin: { ip: '127.0.0.1', userAgent: 'vitest' },
      }),
    );
  }
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const seqs = () =>
  store.db.prepare('SELECT seq FROM audit_log ORDER BY seq').pluck().all() as number[];

/** What someone with the database key, and no regard for the triggers, could do. */
function tamper(sql: string, ...params: unknown[]): void {
  store.db.exec(
    'DROP TRIGGER audit_log_refuses_update; DROP TRIGGER audit_log_refuses_delete;',
  );
  store.db.prepare(sql).run(...params);
}

const head = () =>
  store.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as {
    seq: number;
    hash: string;
  };

describe('the audit chain', () => {
  it('reports an untouched log intact, with its length, head and matched checkpoints', () => {
    const checkpoint = audit.checkpoint()!;
    expect(checkpoint).toMatchObject({ headSeq: head().seq, length: 4 });
    const report = audit.verify([checkpoint]);
    expect(report).toMatchObject({
      intact: true,
      length: 4,
      headSeq: head().seq,
      headHash: head().hash,
      checkpointsMatched: 1,
    });
    expect(report.summary).toBe(
      `Audit chain intact: 4 entries up to #4, newest hash ${head().hash}; 1 checkpoint matched.`,
    );
  });

  it('names the first entry whose content was changed', () => {
    const [, second] = seqs();
    tamper(`UPDATE audit_log SET action = 'auth.login.succeeded' WHERE seq = ?`, second);
    expect(audit.verify()).toMatchObject({
      intact: false,
      length: 1,
      firstBrokenSeq: second,
      problem: 'content',
      summary: `Audit chain BROKEN at entry #${second}: its content no longer matches its hash. The 1 entry before it is intact.`,
    });
  });

  it('names the entry deleted from the middle', () => {
    const [, second] = seqs();
    tamper('DELETE FROM audit_log WHERE seq = ?', second);
    expect(audit.verify()).toMatchObject({
      intact: false,
      length: 1,
      firstBrokenSeq: second,
      problem: 'missing',
      summary: `Audit chain BROKEN at entry #${second}: entry #${second} is missing (deleted from the middle of the log). The 1 entry before it is intact.`,
    });
  });

  it('names an entry replaced by a forged one that recomputed its own hash', () => {
    const [, second] = seqs();
    const forged = store.db
      .prepare('SELECT prev_hash FROM audit_log WHERE seq = ?')
      .pluck()
      .get(second) as string;
    tamper(
      `UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?`,
      'f'.repeat(64),
      forged,
      second,
    );
    expect(audit.verify()).toMatchObject({ firstBrokenSeq: second, problem: 'link' });
  });

  it('catches the newest two deleted, from the sequence the database issued', () => {
    const all = seqs();
    tamper('DELETE FROM audit_log WHERE seq >= ?', all[2]);
    expect(audit.verify()).toMatchObject({
      intact: false,
      length: 2,
      firstBrokenSeq: all[2],
      problem: 'truncated',
      summary: `Audit chain BROKEN at entry #3: the newest entries #3–#4 are missing (the database had numbered entries up to #4). The 2 entries up to #2 are intact.`,
    });
  });

  it('catches the newest two deleted and the counter wound back, from a checkpoint', () => {
    const checkpoint = audit.checkpoint()!;
    const all = seqs();
    tamper('DELETE FROM audit_log WHERE seq >= ?', all[2]);
    store.db.prepare(`UPDATE sqlite_sequence SET seq = 2 WHERE name = 'audit_log'`).run();
    // Without the checkpoint the shortened log looks whole…
    expect(audit.verify()).toMatchObject({ intact: true, length: 2 });
    // …with it, the missing entries are named.
    expect(audit.verify([checkpoint])).toMatchObject({
      intact: false,
      firstBrokenSeq: 3,
      problem: 'truncated',
      summary: expect.stringContaining(
        `the newest entries #3–#4 are missing (a checkpoint taken ${new Date(checkpoint.at).toISOString()} recorded the log up to #4)`,
      ) as unknown,
    });
  });

  it('catches a rewritten tail whose hashes were all recomputed, from a checkpoint', () => {
    const checkpoint = audit.checkpoint()!;
    // Rewrite the last entry and recompute its hash: the chain alone cannot tell.
    const last = head();
    const row = store.db
      .prepare(`SELECT prev_hash AS prev, at FROM audit_log WHERE seq = ?`)
      .get(last.seq) as { prev: string; at: number };
    tamper(`DELETE FROM audit_log WHERE seq = ?`, last.seq);
    store.db
      .prepare(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'`)
      .run(last.seq - 1);
    store.db.exec(`CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`);
    time = row.at;
    store.transaction(() =>
      audit.record({
        workspaceId: null,
        actor: { type: 'system', label: 'test' },
        action: 'auth.login.succeeded',
        origin: { ip: '127.0.0.1', userAgent: 'vitest' },
      }),
    );
    expect(audit.verify()).toMatchObject({ intact: true, length: 4 });
    expect(audit.verify([checkpoint])).toMatchObject({
      intact: false,
      firstBrokenSeq: last.seq,
      problem: 'checkpoint',
      summary: expect.stringContaining(
        'so the chain was rewritten somewhere up to #4',
      ) as unknown,
    });
  });

  it('catches the oldest entries deleted outside a prune', () => {
    tamper('DELETE FROM audit_log WHERE seq <= 2');
    expect(audit.verify()).toMatchObject({
      intact: false,
      length: 0,
      firstBrokenSeq: 1,
      problem: 'start',
      summary:
        'Audit chain BROKEN at entry #1: the log starts at #3, so entries #1–#2 are missing (the log began at #1).',
    });
  });

  it('binds the request id into the hash, without changing older entries', () => {
    store.transaction(() =>
      audit.record({
        workspaceId: null,
        actor: { type: 'system', label: 'test' },
        action: 'auth.logout',
        origin: { ip: null, userAgent: null, requestId: 'abc123' },
      }),
    );
    expect(audit.verify()).toMatchObject({ intact: true, length: 5 });
    tamper('UPDATE audit_log SET request_id = NULL WHERE seq = 5');
    expect(audit.verify()).toMatchObject({ firstBrokenSeq: 5, problem: 'content' });
  });

  it('keeps chaining entries written after a verified stretch', () => {
    store.transaction(() =>
      audit.record({
        workspaceId: null,
        actor: { type: 'anonymous' },
        action: 'auth.login.failed',
        outcome: 'failure',
        origin: { ip: null, userAgent: null },
      }),
    );
    expect(audit.verify()).toMatchObject({ intact: true, length: 5 });
  });

  it('leaves no gap when an action and its entry roll back together', () => {
    expect(() =>
      store.transaction(() => {
        audit.record({
          workspaceId: null,
          actor: { type: 'system', label: 'test' },
          action: 'auth.logout',
          origin: { ip: null, userAgent: null },
        });
        throw new Error('the action failed');
      }),
    ).toThrow('the action failed');
    store.transaction(() =>
      audit.record({
        workspaceId: null,
        actor: { type: 'system', label: 'test' },
        action: 'auth.logout',
        origin: { ip: null, userAgent: null },
      }),
    );
    expect(audit.verify()).toMatchObject({ intact: true, length: 5, headSeq: 5 });
  });
});
