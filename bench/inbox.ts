/**
 * `npm run bench` (last part), `npm run bench:inbox`: the agents' inbox at
 * one million messages across 100,000 conversations in ten workspaces.
 *
 * - Inbox list p99 (the default page of 200, each filter of today's inbox:
 *   all, unassigned, mine; the first page and a keyset page half-way down),
 *   pooled over the workspaces, against a bare SELECT by primary key on the
 *   same connection. Target: at most 10 ms.
 * - Search p99 through the desk's service (bench/inbox-search.ts): a word in
 *   every message, one order's number, a prefix, a word in none, and a
 *   second page; same baseline. Target: at most 50 ms.
 * - Ready time: `flowgento serve` spawned as `npm start` runs it, on
 *   loopback, until /healthz answers; against the same start on an
 *   appliance with one small workspace. Target: under 1.5 s.
 * - Resident memory of that process once ready and after a burst of inbox
 *   list calls over HTTPS. Target: under 250 MB.
 *
 * The database is built once and cached under the OS temp folder, keyed by
 * schema version (bench/inbox-data.ts). The machine is often shared: figures
 * move from run to run, the ratios less than the times.
 *
 * Flags: --conversations=N (100000), --workspaces=N (10), --rounds=N (50),
 * --starts=N (3), --traffic=N (300), --queries-only (no appliance starts).
 * Exits 1 when a target is missed.
 */
import { parseArgs } from 'node:util';
import { createLogger } from '@flowgento/core';
import { inboxData } from './inbox-data.ts';
import { measureQueries, PAGE } from './inbox-queries.ts';
import { measureServe, type ServeResult } from './inbox-serve.ts';
import { median } from './backup-report.ts';
import { whole } from './report.ts';

const LIST_P99_TARGET_MS = 10;
const SEARCH_P99_TARGET_MS = 50;
const READY_TARGET_S = 1.5;
const RSS_TARGET_MB = 250;

const { values: flags } = parseArgs({
  args: process.argv.slice(3),
  options: {
    conversations: { type: 'string', default: '100000' },
    workspaces: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '50' },
    starts: { type: 'string', default: '3' },
    traffic: { type: 'string', default: '300' },
    'queries-only': { type: 'boolean', default: false },
  },
});
const scale = {
  workspaces: Number(flags.workspaces),
  conversations: Number(flags.conversations),
};
const starts = Number(flags.starts);

const out = (text: string) => process.stdout.write(text);
const logger = createLogger({ level: 'warn', destination: process.stderr });
let failed = false;

out(
  `\nInbox at ${whole(scale.conversations * 10)} messages, ` +
    `${whole(scale.conversations)} conversations, ${scale.workspaces} workspaces\n`,
);
const data = await inboxData(scale, logger, out);
const small = await inboxData({ workspaces: 1, conversations: 100 }, logger, out);

const queries = await measureQueries(data, Number(flags.rounds), logger);
out(`\n  list queries, page of ${PAGE}, p99 pooled over the workspaces\n`);
out(row(['', 'p50 ms', 'p99 ms', 'ratio', 'target', '']));
const base = queries.baseline;
out(row(['baseline: SELECT by primary key', ms(base.p50), ms(base.p99), '1.00']));
for (const list of queries.lists) {
  const ok = list.p99 <= LIST_P99_TARGET_MS;
  failed ||= !ok;
  out(
    row([
      list.label,
      ms(list.p50),
      ms(list.p99),
      (list.p99 / base.p99).toFixed(0),
      `≤ ${LIST_P99_TARGET_MS.toFixed(2)}`,
      ok ? 'PASS' : 'FAIL',
    ]),
  );
}
for (const search of queries.searches) {
  const ok = search.p99 <= SEARCH_P99_TARGET_MS;
  failed ||= !ok;
  out(
    row([
      search.label,
      ms(search.p50),
      ms(search.p99),
      (search.p99 / base.p99).toFixed(0),
      `≤ ${SEARCH_P99_TARGET_MS.toFixed(2)}`,
      ok ? 'PASS' : 'FAIL',
    ]),
  );
}
for (const [label, plan] of queries.plans)
  out(`    plan, ${label}: ${plan.join('; ')}\n`);
if (flags['queries-only']) finish();

// The first start compiles the server into tsx's cache and settles the TLS
// material; neither is what an installed appliance pays at each start.
await measureServe(small, 0);
await measureServe(data, 0);
const baselineStarts: ServeResult[] = [];
const bigStarts: ServeResult[] = [];
for (let i = 0; i < starts; i += 1) {
  baselineStarts.push(await measureServe(small, 0));
  bigStarts.push(await measureServe(data, i === starts - 1 ? Number(flags.traffic) : 0));
}
const baseReady = median(baselineStarts.map((s) => s.readyMs)) / 1000;
const bigReady = median(bigStarts.map((s) => s.readyMs)) / 1000;
out(`\n  the appliance, spawned as npm start runs it (median of ${starts} starts)\n`);
out(row(['', 'seconds', '', 'ratio', 'target', '']));
out(row(['ready, small appliance (baseline)', baseReady.toFixed(2), '', '1.00']));
const readyOk = bigReady < READY_TARGET_S;
failed ||= !readyOk;
out(
  row([
    'ready, with the bench database',
    bigReady.toFixed(2),
    '',
    (bigReady / baseReady).toFixed(2),
    `< ${READY_TARGET_S.toFixed(2)}`,
    readyOk ? 'PASS' : 'FAIL',
  ]),
);

const last = bigStarts.at(-1)!;
out(row(['', 'MB', '', 'ratio', 'target', '']));
// Megabytes, as the target says them; /proc reports KiB.
const toMb = (mib: number | null) => (mib === null ? Number.NaN : mib * 1.048576);
const baseRss = toMb(median(baselineStarts.map((s) => s.rssReadyMiB)));
out(row(['resident, small appliance ready', mb(baseRss), '', '1.00']));
const rssRows: [string, number][] = [
  ['resident, bench database ready', toMb(median(bigStarts.map((s) => s.rssReadyMiB)))],
  [`resident after ${last.calls} list calls`, toMb(last.rssAfterTrafficMiB)],
];
for (const [label, value] of rssRows) {
  const ok = value < RSS_TARGET_MB;
  failed ||= !ok;
  out(
    row([
      label,
      mb(value),
      '',
      (value / baseRss).toFixed(2),
      `< ${RSS_TARGET_MB}`,
      ok ? 'PASS' : 'FAIL',
    ]),
  );
}
finish();

function finish(): never {
  out(failed ? '\nFAIL: a target was missed\n' : '\nPASS\n');
  process.exit(failed ? 1 : 0);
}

function row(cells: string[]): string {
  const widths = [36, 8, 8, 7, 8, 5];
  const padded = cells.map((c, i) =>
    i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!),
  );
  return `  ${padded.join(' ').trimEnd()}\n`;
}
function ms(value: number): string {
  return Number.isNaN(value) ? '-' : value.toFixed(2);
}
function mb(megabytes: number): string {
  return Number.isNaN(megabytes) ? '-' : megabytes.toFixed(0);
}
