import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditQuery, type AuditAction } from '@flowgento/audit';
import { parseCsvExport } from '../../../packages/audit/test/csv-parse.ts';
import { Progress } from '../src/cli/progress.ts';
import { folderFlags, runCli } from './cli-run.ts';
import { startTestAppliance, TestClock, type TestAppliance } from './harness.ts';
import { addWorkspaceWithMembers } from './flows.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';

/**
 * `flowgento audit export` against a running appliance's data folder, as an
 * operator runs it: a file that appears whole, progress on stderr, and the
 * export written down in the log.
 */

const DAY = 24 * 60 * 60 * 1000;
/** Noon, so that the test's days are the same days in any time zone. */
const START = Date.UTC(2024, 4, 1, 12);
const ACTIONS: AuditAction[] = ['member.invited', 'conversation.assigned'];

let t: TestAppliance;
let acme: string;
let other: string;

beforeAll(async () => {
  const clock = new TestClock();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' }, { clock });
  acme = addWorkspaceWithMembers(t.running, 'Acme', ['OWNER']).workspaceId;
  other = addWorkspaceWithMembers(t.running, 'Other Co', ['OWNER']).workspaceId;

  // 3,000 entries over ten days: Acme's, Other Co's and the appliance's own.
  clock.freeze();
  clock.advance(START - clock.now());
  const store = t.running.appliance.store;
  store.transaction(() => {
    for (let i = 0; i < 3000; i += 1) {
      clock.advance((10 * DAY) / 3000);
      t.running.services.audit.record({
        workspaceId: i % 10 === 0 ? null : i % 10 === 1 ? other : acme,
        actor: { type: 'user', id: `u-${i % 3}`, label: `member${i % 3}@acme.test` },
        action: i % 10 === 0 ? 'backup.created' : ACTIONS[i % 2]!,
        origin: { ip: '192.0.2.1', userAgent: 'vitest' },
      });
    }
  });
});
afterAll(() => t.cleanup());

/** Day bounds are local time: the same zone for the CLI and the expectations. */
const cli = (args: string[]) => runCli([...args, ...folderFlags(t)], { TZ: 'UTC' });

const cliExports = () =>
  t.running.appliance.store.db
    .prepare(
      `SELECT workspace_id AS workspaceId, actor_type AS actorType, actor_label AS actorLabel,
         outcome, details_json AS details FROM audit_log
       WHERE action = 'audit.exported' ORDER BY seq`,
    )
    .all() as Record<string, string | null>[];

describe('flowgento audit export', () => {
  it("writes one workspace's filtered entries to a private CSV file, with progress, and audits it", async () => {
    const out = join(t.dir, 'acme-invites.csv');
    const result = await cli([
      'audit',
      'export',
      '--format',
      'csv',
      '--out',
      out,
      '--workspace',
      acme,
      '--action',
      'member.invited',
      '--from',
      '2024-05-03',
      '--to',
      '2024-05-06',
    ]);
    expect(result.stderr).not.toMatch(/flowgento:/);
    expect(result.code).toBe(0);

    const expected = new AuditQuery(t.running.appliance.store).list(
      { wholeAppliance: true, workspaceId: acme },
      {
        action: 'member.invited',
        from: Date.UTC(2024, 4, 3),
        to: Date.UTC(2024, 4, 7) - 1,
      },
      { limit: 10_000 },
    );
    const rows = parseCsvExport(readFileSync(out, 'utf8'));
    expect(rows.map((row) => Number(row.seq))).toEqual(expected.map((e) => e.seq));
    expect(rows.length).toBeGreaterThan(400);
    expect(new Set(rows.map((row) => row.action))).toEqual(new Set(['member.invited']));
    expect(rows.at(-1)!.time! >= '2024-05-03T00:00:00.000Z').toBe(true);
    expect(rows[0]!.time! < '2024-05-07T00:00:00.000Z').toBe(true);

    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(t.dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(result.stdout).toBe(`Exported ${rows.length} audit entries to ${out}\n`);
    // Not a terminal: a line at each tenth of the way, and the last one.
    const lines = result.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(
      `Exporting: ${rows.length} / ${rows.length} entries (100%)`.replace(
        /\d{4,}/g,
        (n) => Number(n).toLocaleString('en-US'),
      ),
    );
    expect(lines.length).toBeLessThanOrEqual(10);
    for (const line of lines) {
      expect(line).toMatch(/^Exporting: [\d,]+ \/ [\d,]+ entries \(\d+%\)$/);
    }

    expect(cliExports().at(-1)).toEqual({
      workspaceId: acme,
      actorType: 'system',
      actorLabel: CLI_ACTOR.actor.label,
      outcome: 'success',
      details: JSON.stringify({
        format: 'csv',
        rows: rows.length,
        filters: JSON.stringify({
          action: 'member.invited',
          from: Date.UTC(2024, 4, 3),
          to: Date.UTC(2024, 4, 7) - 1,
        }),
      }),
    });
  });

  it('without --workspace holds every entry, appliance-wide ones included, and replaces an older file', async () => {
    const out = join(t.dir, 'everything.jsonl');
    writeFileSync(out, 'yesterday\n');
    const total = t.running.appliance.store.db
      .prepare('SELECT count(*) FROM audit_log')
      .pluck()
      .get() as number;

    const result = await cli(['audit', 'export', '--format', 'jsonl', '--out', out]);
    expect(result.code).toBe(0);

    const entries = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { workspace_id: string | null });
    expect(entries).toHaveLength(total);
    const workspaces = new Set(entries.map((e) => e.workspace_id));
    expect(workspaces).toEqual(new Set([acme, other, null]));
    expect(cliExports().at(-1)).toMatchObject({ workspaceId: null, outcome: 'success' });
  });

  it('refuses filters it cannot honour, naming the flag, and exports nothing', async () => {
    const before = cliExports().length;
    const out = join(t.dir, 'refused.csv');
    const cases: [string[], string][] = [
      [['--format', 'xlsx'], '--format: use csv or jsonl'],
      [
        ['--format', 'csv', '--from', '2024-02-30'],
        '--from: use a date such as 2024-05-31',
      ],
      [
        ['--format', 'csv', '--from', '2024-05-03', '--to', '2024-05-02'],
        '--to: The end date is before the start date',
      ],
      [['--format', 'csv', '--action', 'audit.erased'], '--action: Choose an action'],
      [['--format', 'csv', '--workspace', 'nowhere'], 'No workspace nowhere'],
    ];
    for (const [flags, message] of cases) {
      const result = await cli(['audit', 'export', '--out', out, ...flags]);
      expect(result.code, flags.join(' ')).not.toBe(0);
      expect(result.stderr).toContain(message);
    }
    const missingOut = await cli(['audit', 'export', '--format', 'csv']);
    expect(missingOut.stderr).toContain('--out is required');
    // A file that cannot be written is no export: nothing is audited as one.
    const nowhere = await cli([
      'audit',
      'export',
      '--format',
      'csv',
      '--out',
      join(t.dir, 'no-such-folder', 'refused.csv'),
    ]);
    expect(nowhere.code).not.toBe(0);
    expect(nowhere.stderr).toContain('ENOENT');
    expect(readdirSync(t.dir).filter((name) => name.startsWith('refused'))).toEqual([]);
    expect(cliExports()).toHaveLength(before);
  });

  it('explains itself', async () => {
    const help = await runCli(['audit', 'export', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: flowgento audit export');
    expect(help.stdout).toContain('--target-type <value>');
    expect((await runCli(['audit', '--help'])).stdout).toContain('export');
  });
});

describe('export progress', () => {
  it('redraws one line on a terminal, at most ten times a second, and ends it', () => {
    let text = '';
    let now = 0;
    const progress = new Progress(
      'Exporting',
      100_000,
      { isTTY: true, write: (chunk: string) => (text += chunk) },
      () => now,
    );
    for (let done = 500; done <= 100_000; done += 500) {
      now += 20;
      progress.update(done);
    }
    progress.end(100_000);
    const draws = text.split('\r').filter(Boolean);
    expect(draws.length).toBeLessThanOrEqual(42);
    expect(draws[0]).toBe('Exporting: 2,500 / 100,000 entries (2%)\x1b[K');
    expect(draws.at(-1)).toBe('Exporting: 100,000 / 100,000 entries (100%)\x1b[K\n');
    expect(text.split('\n')).toHaveLength(2);
  });

  it('writes a line at each tenth of the way to a file or pipe', () => {
    let text = '';
    const progress = new Progress('Exporting', 1000, {
      write: (c: string) => (text += c),
    });
    for (let done = 50; done <= 1000; done += 50) progress.update(done);
    progress.end(1000);
    expect(text.trim().split('\n')).toEqual([
      'Exporting: 100 / 1,000 entries (10%)',
      'Exporting: 200 / 1,000 entries (20%)',
      'Exporting: 300 / 1,000 entries (30%)',
      'Exporting: 400 / 1,000 entries (40%)',
      'Exporting: 500 / 1,000 entries (50%)',
      'Exporting: 600 / 1,000 entries (60%)',
      'Exporting: 700 / 1,000 entries (70%)',
      'Exporting: 800 / 1,000 entries (80%)',
      'Exporting: 900 / 1,000 entries (90%)',
      'Exporting: 1,000 / 1,000 entries (100%)',
    ]);
  });
});
