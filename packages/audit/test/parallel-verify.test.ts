import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, Store } from '@flowgento/store';
import { AuditLog, verifyChain, verifyChainInParallel } from '../src/index.ts';

const ENTRIES = 2_000;
let dir: string;
let path: string;
let key: Buffer;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-parallel-'));
  path = join(dir, 'db');
  key = randomBytes(32);
  const db = openEncryptedDatabase({ path, key });
  migrate(db);
  store = new Store(db);
  const audit = new AuditLog(store);
  store.transaction(() => {
    for (let i = 0; i < ENTRIES; i += 1) {
      audit.record({
        workspaceId: null,
        action: 'auth.logout',
        origin: {
          ip: '127.0.0.1',
          // Text SQLite and JavaScript might spell differently in JSON.
          userAgent: i % 7 === 0 ? `tab\there "quoted" \u0001 ünï ${i} \u2028` : 'vitest',
          requestId: i % 2 === 0 ? `req${i}` : null,
        },
        // A lone surrogate, as JSON from a client can carry; and a cut pair.
        actor: { type: 'system', label: i % 5 === 0 ? `name \ud800 ${i}` : 'test' },
        details: { i, note: i % 3 === 0 ? 'emoji \ud83d\ude00 cut \ud83d' : '' },
      });
    }
  });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function tamper(sql: string, ...params: unknown[]) {
  store.db.exec(
    'DROP TRIGGER IF EXISTS audit_log_refuses_update; DROP TRIGGER IF EXISTS audit_log_refuses_delete;',
  );
  store.db.prepare(sql).run(...params);
}

/** Two threads (the newer half on a worker) must say what one thread says. */
async function bothWays() {
  const parallel = await verifyChainInParallel(store.db, { path, key }, [], {
    parallelFrom: 100,
  });
  const offThread = await verifyChainInParallel(store.db, { path, key }, [], {
    parallelFrom: 100,
    offThread: true,
  });
  const serial = verifyChain(store.db);
  expect(parallel).toEqual(serial);
  expect(offThread).toEqual(serial);
  return parallel;
}

describe('verifying on two threads', () => {
  it('reports the whole chain intact, with awkward text hashed the same way', async () => {
    expect(await bothWays()).toMatchObject({
      intact: true,
      length: ENTRIES,
      headSeq: ENTRIES,
    });
  });

  it.each([
    [
      'an edit in the older half',
      'UPDATE audit_log SET details_json = ? WHERE seq = ?',
      ['{}', 300],
      300,
      'content',
    ],
    [
      'an edit in the newer half',
      'UPDATE audit_log SET details_json = ? WHERE seq = ?',
      ['{}', 1700],
      1700,
      'content',
    ],
    [
      'the first entry of the newer half deleted',
      'DELETE FROM audit_log WHERE seq = ?',
      [1001],
      1001,
      'missing',
    ],
    [
      'the last entry of the older half deleted',
      'DELETE FROM audit_log WHERE seq = ?',
      [1000],
      1000,
      'missing',
    ],
    [
      'the newest two deleted',
      'DELETE FROM audit_log WHERE seq > ?',
      [ENTRIES - 2],
      ENTRIES - 1,
      'truncated',
    ],
  ] as const)('names %s', async (_what, sql, params, seq, problem) => {
    tamper(sql, ...params);
    expect(await bothWays()).toMatchObject({
      intact: false,
      firstBrokenSeq: seq,
      problem,
    });
  });

  it('leaves the connection free for other work while the worker walks', async () => {
    const pending = verifyChainInParallel(store.db, { path, key }, [], {
      parallelFrom: 100,
    });
    expect(store.db.inTransaction).toBe(false);
    store.transaction(() =>
      new AuditLog(store).record({
        workspaceId: null,
        actor: { type: 'system', label: 'test' },
        action: 'auth.logout',
        origin: { ip: null, userAgent: null },
      }),
    );
    expect(await pending).toMatchObject({ intact: true, length: ENTRIES });
  });
});
