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

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-audit-'));
  const db = openEncryptedDatabase({ path: join(dir, 'db'), key: randomBytes(32) });
  migrate(db);
  store = new Store(db);
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

describe('the audit chain', () => {
  it('reports an untouched log intact, with its length and newest hash', () => {
    const head = store.db
      .prepare('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1')
      .pluck()
      .get();
    expect(audit.verify()).toEqual({ intact: true, length: 4, headHash: head });
  });

  it('names the first entry whose content was changed', () => {
    const [, second] = seqs();
    tamper(`UPDATE audit_log SET action = 'auth.login.succeeded' WHERE seq = ?`, second);
    expect(audit.verify()).toEqual({
      intact: false,
      length: 1,
      firstBrokenSeq: second,
      problem: 'content',
    });
  });

  it('names the entry after one that was deleted from the middle', () => {
    const [, second, third] = seqs();
    tamper('DELETE FROM audit_log WHERE seq = ?', second);
    expect(audit.verify()).toEqual({
      intact: false,
      length: 1,
      firstBrokenSeq: third,
      problem: 'link',
    });
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
});
