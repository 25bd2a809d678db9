import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, Store, workspaceScope } from '@flowgento/store';
import {
  AuditLog,
  AuditQuery,
  auditPageSql,
  auditSql,
  type AuditEntryInput,
  type AuditFilters,
  type AuditLogPart,
  type AuditRecord,
} from '../src/index.ts';

const DAY = 24 * 60 * 60 * 1000;
const START = Date.UTC(2024, 2, 1);

let dir: string;
let store: Store;
let now: number;
let audit: AuditLog;
let query: AuditQuery;

const A = workspaceScope(randomUUID());
const B = workspaceScope(randomUUID());
const alice = { type: 'user' as const, id: randomUUID(), label: 'alice@acme.test' };
const bob = { type: 'user' as const, id: randomUUID(), label: 'Bob@Acme.test' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-audit-query-'));
  const db = openEncryptedDatabase({ path: join(dir, 'db'), key: randomBytes(32) });
  migrate(db);
  now = START;
  store = new Store(db, { now: () => now });
  audit = new AuditLog(store);
  query = new AuditQuery(store);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function write(at: number, entry: Partial<AuditEntryInput> = {}): void {
  now = at;
  store.transaction(() =>
    audit.record({
      workspaceId: A.workspaceId,
      actor: alice,
      action: 'member.invited',
      origin: { ip: '127.0.0.1', userAgent: 'vitest' },
      ...entry,
    }),
  );
}

/** Every page of a part of the log, walked as the page's "Load older" does. */
function allPages(part: AuditLogPart, filters: AuditFilters, limit = 3): AuditRecord[] {
  const seen: AuditRecord[] = [];
  for (;;) {
    const page = query.list(part, filters, { limit, beforeSeq: seen.at(-1)?.seq });
    seen.push(...page);
    if (page.length < limit) return seen;
  }
}

const seqsOf = (entries: AuditRecord[]) => entries.map((e) => e.seq);

describe('audit filters', () => {
  beforeEach(() => {
    write(START, { action: 'workspace.created' });
    write(START + DAY, { target: { type: 'member', id: 'm-1' } });
    write(START + DAY + 1, { actor: bob, action: 'member.role_changed' });
    write(START + 2 * DAY, {
      actor: { type: 'anonymous', label: 'mallory@evil.test' },
      action: 'auth.login.failed',
      outcome: 'failure',
    });
    write(START + 3 * DAY, { actor: bob, target: { type: 'member', id: 'm-2' } });
  });

  const actions = (filters: AuditFilters) =>
    allPages({ scope: A }, filters).map(
      (e) => `${e.action}@day${Math.floor((e.at - START) / DAY)}`,
    );

  it('match a member by id, or text in the label in either case', () => {
    expect(actions({ actor: bob.id })).toEqual([
      'member.invited@day3',
      'member.role_changed@day1',
    ]);
    expect(actions({ actor: 'ACME.test' })).toHaveLength(4);
    expect(actions({ actor: 'mallory' })).toEqual(['auth.login.failed@day2']);
    // Text is text: no wildcard of LIKE or GLOB means anything here.
    expect(actions({ actor: '%' })).toEqual([]);
    expect(actions({ actor: randomUUID() })).toEqual([]);
  });

  it('match an action, a target type and id, and a date range with both ends included', () => {
    expect(actions({ action: 'member.role_changed' })).toHaveLength(1);
    expect(actions({ targetType: 'member' })).toEqual([
      'member.invited@day3',
      'member.invited@day1',
    ]);
    expect(actions({ targetId: 'm-2' })).toEqual(['member.invited@day3']);
    expect(actions({ from: START + DAY, to: START + 2 * DAY })).toEqual([
      'auth.login.failed@day2',
      'member.role_changed@day1',
      'member.invited@day1',
    ]);
  });

  it('must all match when several are given', () => {
    expect(
      actions({ actor: 'bob', targetType: 'member', from: START + 2 * DAY }),
    ).toEqual(['member.invited@day3']);
    expect(actions({ actor: 'bob', action: 'workspace.created' })).toEqual([]);
  });

  it('count what the pages hold, or stop at a limit', () => {
    expect(query.count({ scope: A }, {}, {}, 2)).toBe(2);
    for (const filters of [{}, { actor: 'acme' }, { targetType: 'member' }] as const) {
      expect(query.count({ scope: A }, filters)).toBe(
        allPages({ scope: A }, filters).length,
      );
    }
  });
});

describe('audit pages', () => {
  it('run newest first by time, and walk every entry once across equal times and a clock set back', () => {
    for (let i = 0; i < 7; i += 1) write(START + DAY);
    write(START + 5 * DAY);
    // The clock was set back: this entry is older than the one written before it.
    write(START + 2 * DAY);
    for (let i = 0; i < 4; i += 1) write(START + DAY);

    const pages = allPages({ scope: A }, {});
    expect(pages).toHaveLength(13);
    expect(new Set(seqsOf(pages)).size).toBe(13);
    const order = pages.map((e) => [e.at, e.seq] as const);
    expect(order).toEqual(
      [...order].sort(([at1, seq1], [at2, seq2]) => at2 - at1 || seq2 - seq1),
    );
    expect(pages[1]!.at).toBe(START + 2 * DAY);
  });

  it("show one workspace only: never another's, nor the appliance's own entries", () => {
    write(START, { workspaceId: A.workspaceId });
    write(START + 1, { workspaceId: B.workspaceId });
    write(START + 2, { workspaceId: null, action: 'keys.rotated' });
    write(START + 3, { workspaceId: A.workspaceId });

    expect(allPages({ scope: A }, {}).map((e) => e.workspaceId)).toEqual([
      A.workspaceId,
      A.workspaceId,
    ]);
    expect(allPages({ scope: A }, { action: 'keys.rotated' })).toEqual([]);
    expect(query.count({ scope: A }, {})).toBe(2);

    // A position taken from another workspace's entry leads nowhere.
    const [ofB] = query.list({ scope: B }, {}, { limit: 1 });
    expect(query.list({ scope: A }, {}, { limit: 10, beforeSeq: ofB!.seq })).toEqual([]);
  });

  it('hold every entry for the operator, or one workspace', () => {
    write(START, { workspaceId: A.workspaceId });
    write(START + 1, { workspaceId: B.workspaceId });
    write(START + 2, { workspaceId: null, action: 'keys.rotated' });

    expect(allPages({ wholeAppliance: true }, {})).toHaveLength(3);
    expect(
      allPages({ wholeAppliance: true, workspaceId: B.workspaceId }, {}).map(
        (e) => e.workspaceId,
      ),
    ).toEqual([B.workspaceId]);
  });

  it('carry every column of the entry, details parsed', () => {
    write(START, {
      target: { type: 'member', id: 'm-1' },
      details: { role: 'ADMIN', n: 2 },
    });
    const [entry] = query.list({ scope: A }, {}, { limit: 1 });
    expect(entry).toEqual({
      seq: 1,
      at: START,
      workspaceId: A.workspaceId,
      actorType: 'user',
      actorId: alice.id,
      actorLabel: alice.label,
      action: 'member.invited',
      outcome: 'success',
      targetType: 'member',
      targetId: 'm-1',
      ip: '127.0.0.1',
      userAgent: 'vitest',
      requestId: null,
      details: { role: 'ADMIN', n: 2 },
    });
  });
});

describe('audit query plans', () => {
  const member = randomUUID();
  const choices: AuditFilters[][] = [
    [{}, { actor: member }, { actor: 'acme' }],
    [{}, { action: 'member.invited' }],
    [{}, { targetType: 'member' }],
    [{}, { targetId: 'm-1' }],
    [{}, { from: START }, { to: START }, { from: START, to: START + DAY }],
  ];
  const combinations = choices.reduce<AuditFilters[]>(
    (sets, options) => sets.flatMap((set) => options.map((o) => ({ ...set, ...o }))),
    [{}],
  );
  const plan = (part: AuditLogPart, filters: AuditFilters, paged: boolean) => {
    const sql = auditSql(part, filters, {
      before: paged ? { at: START, seq: 10 } : undefined,
      upToSeq: paged ? 100 : undefined,
    });
    const rows = store.db
      .prepare(`EXPLAIN QUERY PLAN ${auditPageSql(sql)}`)
      .all(...sql.params, 50) as { detail: string }[];
    return { index: sql.index, details: rows.map((r) => r.detail) };
  };

  it('seek one index and need no sort for a workspace, whatever the filters', () => {
    for (const filters of combinations) {
      for (const paged of [false, true]) {
        const { index, details } = plan({ scope: A }, filters, paged);
        const about = `${JSON.stringify(filters)}, paged: ${paged}`;
        expect(details, about).toHaveLength(1);
        expect(details[0], about).toMatch(
          new RegExp(
            `^SEARCH audit_log USING (COVERING )?INDEX ${index} \\(workspace_id=\\?`,
          ),
        );
        expect(details.join('\n'), about).not.toMatch(/TEMP B-TREE/);
      }
    }
    expect(combinations).toHaveLength(96);
  });

  it('walk the time index, unsorted, for the whole appliance', () => {
    for (const filters of combinations) {
      const { details } = plan({ wholeAppliance: true }, filters, true);
      expect(details).toHaveLength(1);
      expect(details[0]).toMatch(
        /^(SCAN|SEARCH) audit_log USING INDEX audit_log_by_time/,
      );
    }
  });
});
