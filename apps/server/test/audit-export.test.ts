import { request } from 'node:https';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction, AuditActor, AuditRecord } from '@flowgento/audit';
import { workspaceScope } from '@flowgento/store';
import { parseCsvExport } from '../../../packages/audit/test/csv-parse.ts';
import {
  ApiClient,
  expectApiError,
  httpsRequest,
  startTestAppliance,
  TestClock,
  type HttpsReply,
  type TestAppliance,
} from './harness.ts';
import { addWorkspaceWithMembers, type CastMember } from './flows.ts';

/**
 * The audit page's export over real HTTPS, from a log of 100,000 entries of
 * one workspace beside another workspace's and the appliance's own: what a
 * spreadsheet opens holds exactly what the page shows for the same filters.
 */

const ENTRIES = 100_000;
const STEP_MS = 30_000;
const START = Date.UTC(2024, 2, 1);
const DAY = 24 * 60 * 60 * 1000;

let t: TestAppliance;
let owner: ApiClient;
let cast: Record<'owner' | 'agent' | 'support', CastMember>;
let workspaceId: string;
let outside: Set<number>;

const ACTIONS: AuditAction[] = [
  'conversation.assigned',
  'auth.login.succeeded',
  'member.role_changed',
  'support.used',
  'auth.login.failed',
];
const people: AuditActor[] = [
  { type: 'user', id: randomUUID(), label: 'olivia@acme.test' },
  { type: 'user', id: randomUUID(), label: 'arjun@acme.test' },
  { type: 'anonymous', label: 'guess@evil.test' },
  { type: 'anonymous', label: '=HYPERLINK("http://evil.test","open me")' },
];
const USER_AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0',
  'curl/8.5.0, "quoted"',
];

beforeAll(async () => {
  const clock = new TestClock();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' }, { clock });
  const a = addWorkspaceWithMembers(t.running, 'Acme', ['OWNER', 'AGENT', 'SUPPORT']);
  const b = addWorkspaceWithMembers(t.running, 'Other Co', ['OWNER']);
  workspaceId = a.workspaceId;
  const [ownerOfA, agentOfA, supportOfA] = a.members;
  cast = { owner: ownerOfA!, agent: agentOfA!, support: supportOfA! };
  owner = clientOf(cast.owner);

  // 100,000 entries of Acme, with Other Co's and appliance-wide ones between
  // them, half a minute apart: a few big transactions, a few seconds.
  clock.freeze();
  clock.advance(START - clock.now());
  const audit = t.running.services.audit;
  const store = t.running.appliance.store;
  outside = new Set();
  let written = 0;
  let seq = store.db.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number;
  while (written < ENTRIES) {
    store.transaction(() => {
      for (let i = 0; i < 25_000 && written < ENTRIES; i += 1) {
        clock.advance(STEP_MS);
        seq += 1;
        const n = seq % 50;
        const owner = n === 7 ? b.workspaceId : n === 13 ? null : workspaceId;
        if (owner === workspaceId) written += 1;
        else outside.add(seq);
        audit.record({
          workspaceId: owner,
          actor: people[seq % people.length]!,
          action: owner === null ? 'backup.created' : ACTIONS[seq % ACTIONS.length]!,
          outcome: seq % 9 === 0 ? 'failure' : 'success',
          target: { type: 'conversation', id: `c-${seq % 97}` },
          origin: { ip: '192.0.2.10', userAgent: USER_AGENTS[seq % 2]! },
          details: { n: seq, note: seq % 2 ? 'plain' : 'with, comma and "quotes"' },
        });
      }
    });
  }
  clock.advance(DAY);
}, 120_000);
afterAll(() => t.cleanup());

function clientOf(member: CastMember): ApiClient {
  const client = new ApiClient(() => t.running);
  client.cookie = member.cookie;
  return client;
}

/** Every page `audit.list` shows for these filters, walked with "Load older". */
async function pagesOf(filters: Record<string, unknown>): Promise<AuditRecord[]> {
  const entries: AuditRecord[] = [];
  for (;;) {
    const page = await owner.query<AuditRecord[]>('audit.list', {
      ...filters,
      limit: 200,
      beforeSeq: entries.at(-1)?.seq,
    });
    entries.push(...page);
    if (page.length < 200) return entries;
  }
}

const exportEntries = () =>
  t.running.appliance.store.db
    .prepare(
      `SELECT seq, workspace_id AS workspaceId, actor_id AS actorId, outcome,
         details_json AS details FROM audit_log WHERE action = 'audit.exported'
       ORDER BY seq`,
    )
    .all() as {
    seq: number;
    workspaceId: string;
    actorId: string;
    outcome: string;
    details: string;
  }[];

function exportPath(format: string, filters: Record<string, string | number> = {}) {
  const query = new URLSearchParams({ format });
  for (const [key, value] of Object.entries(filters)) query.set(key, String(value));
  return `/api/audit/export?${query.toString()}`;
}

/**
 * A download as the browser makes it. The export's audit entry is written
 * once the server has handed over the last byte, which can be a moment after
 * the client has read it: a successful download waits for that entry.
 */
async function download(path: string, member = cast.owner): Promise<HttpsReply> {
  const before = exportEntries().length;
  const reply = await httpsRequest(t.running, 'GET', path, {
    headers: { cookie: member.cookie, 'user-agent': 'flowgento-test/1.0' },
  });
  if (reply.status === 200) {
    await expect.poll(() => exportEntries().length).toBe(before + 1);
  }
  return reply;
}

/** What a spreadsheet must show for an entry, cell by cell, formulas disarmed. */
function expectedCells(entry: AuditRecord): Record<string, string> {
  const text = (value: string | null) =>
    value === null ? '' : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return {
    seq: String(entry.seq),
    time: new Date(entry.at).toISOString(),
    workspace_id: text(entry.workspaceId),
    actor_type: entry.actorType,
    actor_id: text(entry.actorId),
    actor_label: text(entry.actorLabel),
    action: entry.action,
    outcome: entry.outcome,
    target_type: text(entry.targetType),
    target_id: text(entry.targetId),
    ip: text(entry.ip),
    user_agent: text(entry.userAgent),
    request_id: text(entry.requestId),
    details: JSON.stringify(entry.details),
  };
}

function jsonLines(body: string): Record<string, unknown>[] {
  expect(body.endsWith('\n')).toBe(true);
  return body
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the audit export over HTTPS', () => {
  it("holds all of a workspace's 100,000 entries as a CSV a spreadsheet opens, exactly the page's", async () => {
    const page = await pagesOf({});
    const reply = await download(exportPath('csv'));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(reply.headers['content-disposition']).toMatch(
      /^attachment; filename="flowgento-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.body.startsWith('\uFEFFseq,time,workspace_id,')).toBe(true);
    expect(reply.body.endsWith('\r\n')).toBe(true);

    const rows = parseCsvExport(reply.body);
    expect(page.length).toBeGreaterThanOrEqual(ENTRIES);
    expect(rows).toHaveLength(page.length);
    expect(rows).toEqual(page.map(expectedCells));
    // The page counts only so far: more is all it needs to say.
    expect(await owner.query('audit.count', {})).toEqual({ count: 10_000, exact: false });
    // Neither the other workspace's entries nor the appliance's own.
    expect(rows.every((row) => row.workspace_id === workspaceId)).toBe(true);
    expect(rows.filter((row) => outside.has(Number(row.seq)))).toEqual([]);
    // A label typed at the sign-in page cannot become a formula.
    const planted = rows.find((row) => row.actor_label?.includes('HYPERLINK'));
    expect(planted?.actor_label).toBe(`'=HYPERLINK("http://evil.test","open me")`);
  });

  it("with the page's filters holds exactly what the page shows, in CSV and JSON Lines alike", async () => {
    const filters = {
      actor: 'ACME.test',
      action: 'member.role_changed',
      from: START + 3 * DAY,
      to: START + 10 * DAY - 1,
    };
    const page = await pagesOf(filters);
    expect(page.length).toBeGreaterThan(1000);
    expect(await owner.query('audit.count', filters)).toEqual({
      count: page.length,
      exact: true,
    });

    const csv = await download(exportPath('csv', filters));
    expect(parseCsvExport(csv.body)).toEqual(page.map(expectedCells));

    const jsonl = await download(exportPath('jsonl', filters));
    expect(jsonl.headers['content-type']).toBe('application/jsonl; charset=utf-8');
    expect(jsonLines(jsonl.body)).toEqual(
      page.map((entry) => ({
        seq: entry.seq,
        time: new Date(entry.at).toISOString(),
        workspace_id: entry.workspaceId,
        actor_type: entry.actorType,
        actor_id: entry.actorId,
        actor_label: entry.actorLabel,
        action: entry.action,
        outcome: entry.outcome,
        target_type: entry.targetType,
        target_id: entry.targetId,
        ip: entry.ip,
        user_agent: entry.userAgent,
        request_id: entry.requestId,
        details: entry.details,
      })),
    );
  });

  it('is audited once per export, in the workspace, after the entries it holds', async () => {
    const before = exportEntries().length;
    const filters = { action: 'auth.login.failed', targetId: 'c-5' };
    const reply = await download(exportPath('jsonl', filters));
    const exported = jsonLines(reply.body);

    const entries = exportEntries();
    expect(entries).toHaveLength(before + 1);
    const entry = entries.at(-1)!;
    expect(entry).toMatchObject({
      workspaceId,
      actorId: cast.owner.userId,
      outcome: 'success',
    });
    expect(JSON.parse(entry.details)).toEqual({
      format: 'jsonl',
      rows: exported.length,
      filters: JSON.stringify(filters),
    });
    expect(exported.every((e) => (e['seq'] as number) < entry.seq)).toBe(true);
    const [listed] = await owner.query<AuditRecord[]>('audit.list', {
      action: 'audit.exported',
      limit: 1,
    });
    expect(listed?.seq).toBe(entry.seq);
  });

  it('is audited before it starts; a cancelled download is noted in the server log', async () => {
    const before = exportEntries().length;
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `${t.running.url}${exportPath('csv')}`,
        {
          headers: { cookie: cast.owner.cookie },
          ca: t.running.tls.caCertPem,
          agent: false,
        },
        (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
      req.end();
    });
    expect(exportEntries()).toHaveLength(before + 1);
    expect(exportEntries().at(-1)!.outcome).toBe('success');
    await expect
      .poll(() => t.logs.text.includes('audit export cancelled'), { timeout: 10_000 })
      .toBe(true);
  });

  it('is refused with a plain 500, sending nothing, when its entry cannot be written', async () => {
    const db = t.running.appliance.store.db;
    db.exec(`CREATE TEMP TRIGGER block_export BEFORE INSERT ON main.audit_log
      WHEN NEW.action = 'audit.exported' BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;`);
    try {
      const reply = await httpsRequest(t.running, 'GET', exportPath('csv'), {
        headers: { cookie: cast.owner.cookie },
      });
      expect(reply.status).toBe(500);
      expect(reply.body).not.toContain('seq,');
      expect(reply.body).not.toContain('audit unavailable');
    } finally {
      db.exec('DROP TRIGGER temp.block_export');
    }
  });
});

describe('the audit export refuses', () => {
  it.each(['agent', 'support'] as const)(
    'a %s with 403, streaming nothing, and audits the refusal',
    async (who) => {
      const before = exportEntries().length;
      const reply = await download(exportPath('csv'), cast[who]);
      expect(reply.status).toBe(403);
      expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(reply.headers['content-disposition']).toBeUndefined();
      expect(JSON.parse(reply.body)).toEqual({
        error: {
          code: 'FORBIDDEN',
          message: `Your role (${cast[who].role}) does not allow audit.manage`,
          reason: 'permission_denied',
        },
      });
      expect(exportEntries()).toHaveLength(before);
      const [denied] = await owner.query<AuditRecord[]>('audit.list', {
        action: 'access.denied',
        limit: 1,
      });
      expect(denied).toMatchObject({
        targetType: 'procedure',
        targetId: 'audit.export',
        details: { requires: 'audit.manage', role: cast[who].role },
      });
    },
  );

  it('an OWNER who still owes the workspace a second factor', async () => {
    const settings = t.running.appliance.store.in(workspaceScope(workspaceId)).settings;
    settings.setRequireTwoFactor(true);
    try {
      const reply = await download(exportPath('csv'));
      expect(reply.status).toBe(412);
      expect(JSON.parse(reply.body).error.reason).toBe('two_factor_required');
    } finally {
      settings.setRequireTwoFactor(false);
    }
  });

  it('anyone not signed in, another origin, and any method but GET', async () => {
    const anonymous = await httpsRequest(t.running, 'GET', exportPath('csv'));
    expect(anonymous.status).toBe(401);

    const crossSite = await httpsRequest(t.running, 'GET', exportPath('csv'), {
      headers: { cookie: cast.owner.cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body).not.toContain('seq,');

    const posted = await httpsRequest(t.running, 'POST', exportPath('csv'), {
      headers: { cookie: cast.owner.cookie },
    });
    expect(posted.status).toBe(405);
    expect(posted.headers['allow']).toBe('GET');
  });

  it('filters that make no sense, naming the field, in the export and the page alike', async () => {
    const cases: [Record<string, string | number>, string][] = [
      [{ from: START + DAY, to: START }, 'To: The end date is before the start date'],
      [{ action: 'audit.deleted' }, 'Choose an action from the list'],
      [{ from: 'yesterday' }, 'From is not valid'],
      [{ acton: 'auth.logout' }, 'Unknown field: acton'],
    ];
    for (const [filters, message] of cases) {
      const reply = await download(exportPath('csv', filters));
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body).error.message).toBe(message);
    }
    expect(await download(exportPath('xlsx'))).toMatchObject({ status: 400 });

    const error = await expectApiError(
      owner.query('audit.list', { from: START + DAY, to: START }),
    );
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('To: The end date is before the start date');
  });
});
