/**
 * `npm run bench`: signed single-message WhatsApp webhooks over HTTPS, many
 * in flight, against the real appliance (verified, stored, deduplicated) and
 * against a bare Node HTTPS server with the same certificate and TLS options
 * that only reads the body. Runs alternate bare / appliance; the target is an
 * appliance rate of at least 40% of the bare rate. Exits 1 only when
 * something broke: a request not answered 200, or stored rows that do not
 * match the wamids acknowledged.
 *
 * Flags: --concurrency=N (256: Meta delivers webhooks concurrently, and a
 * group-committing server is measured under the load it is built for), --rounds=N (2), --client=raw|node-https (raw;
 * see bench/clients.ts), --profile (keep a V8 CPU profile of the appliance
 * and report how its writes were grouped into commits).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@flowgento/core';
import { applianceTls, checkStored, prepareAppliance } from './appliance-data.ts';
import type { BenchAppliance } from './appliance-data.ts';
import { startChild, type ChildServer } from './children.ts';
import { runLoad, type LoadOptions, type LoadResult } from './load.ts';
import {
  errorCount,
  runRow,
  summarise,
  summaryRow,
  tableHeader,
  whole,
} from './report.ts';
import type { ServeSettings } from './serve-child.ts';
import { buildDeliveries } from './webhook-bodies.ts';

const TARGET_RATIO = 0.4;
const BARE_POOL = 20_000;
// Deliveries for an appliance as fast as the bare server, and then some.
const POOL_HEADROOM = 1.25;
const MAX_POOL = 500_000;
// Above this share of a core used by other processes, a run is suspect.
const BUSY_NEIGHBOUR = 0.25;

const { values: flags } = parseArgs({
  args: process.argv.slice(3),
  options: {
    concurrency: { type: 'string', default: '256' },
    rounds: { type: 'string', default: '2' },
    client: { type: 'string', default: 'raw' },
    profile: { type: 'boolean', default: false },
  },
});
const concurrency = positiveInteger('concurrency', flags.concurrency);
const rounds = positiveInteger('rounds', flags.rounds);
if (flags.client !== 'raw' && flags.client !== 'node-https') {
  throw new Error('--client must be raw or node-https');
}
const load: LoadOptions = {
  concurrency,
  warmupMs: 1_000,
  measureMs: 5_000,
  reuse: true,
  client: flags.client,
};
const out = (text: string): boolean => process.stdout.write(text);

const dir = mkdtempSync(join(tmpdir(), 'fg-bench-'));
const profileDir = join(dir, 'profile');
const logger = createLogger({ level: 'warn', destination: process.stderr });
const servers: ChildServer[] = [];
let failed = false;

try {
  const bench = await prepareAppliance(dir, logger);
  const settings: ServeSettings = {
    config: bench.config,
    workspaceId: bench.number.workspaceId,
    instrument: flags.profile,
  };
  const cpuProfile = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const appliance = await startChild(
    'appliance',
    'bench/serve-child.ts',
    settings,
    cpuProfile,
  );
  servers.push(appliance);
  // Read back once the appliance has made them, for the bare server and the client.
  const tls = applianceTls(bench);
  const bare = await startChild('bare', 'bench/bare-child.ts', {
    keyPem: tls.serverKeyPem,
    certPem: tls.serverCertPem,
  });
  servers.push(bare);

  const runs = await alternate(bench, bare, appliance, tls.caCertPem);
  for (const server of servers.splice(0)) await server.stop();
  const countsMatch = await reportStored(bench, runs.appliance);

  const errors = [...runs.bare, ...runs.appliance].reduce(
    (n, run) => n + errorCount(run),
    0,
  );
  for (const run of [...runs.bare, ...runs.appliance]) {
    for (const [what, count] of run.errors)
      out(`error: ${run.label} answered ${what} × ${count}\n`);
  }
  if (flags.profile) {
    out(`\nCPU profile of the appliance in ${profileDir}; summarise it with\n`);
    out(
      `  node scripts/run-ts.mjs bench/profile-summary.ts ${profileDir}/<file>.cpuprofile\n`,
    );
  }
  failed = errors > 0 || !countsMatch;
} catch (error) {
  failed = true;
  process.stderr.write(`benchmark broke: ${(error as Error).stack ?? String(error)}\n`);
} finally {
  for (const server of servers) await server.stop();
  // A kept profile leaves only itself behind: the data and its key go.
  for (const part of flags.profile ? ['data', 'keys'] : ['']) {
    rmSync(join(dir, part), { recursive: true, force: true });
  }
}
process.exit(failed ? 1 : 0);

/** Bare, then appliance, `rounds` times; prints a row per run and the verdict. */
async function alternate(
  bench: BenchAppliance,
  bare: ChildServer,
  appliance: ChildServer,
  ca: string,
): Promise<{ bare: LoadResult[]; appliance: LoadResult[] }> {
  const { warmupMs, measureMs } = load;
  out(`${concurrency} in flight (${load.client} client), `);
  out(`${warmupMs / 1000} s warm-up + ${measureMs / 1000} s measured per run\n\n`);
  out(tableHeader());
  const runs = { bare: [] as LoadResult[], appliance: [] as LoadResult[] };
  const barePool = buildDeliveries(bench.number, 'bare', BARE_POOL);

  for (let round = 1; round <= rounds; round += 1) {
    const bareRun = await runLoad(bare, ca, barePool, load);
    runs.bare.push(bareRun);
    out(runRow(String(round), bareRun));

    // Built before the clock starts, with wamids no earlier round used.
    const expected = bareRun.rate * ((warmupMs + measureMs) / 1000) * POOL_HEADROOM;
    const size = Math.min(MAX_POOL, Math.ceil(expected) + 10_000);
    const pool = buildDeliveries(bench.number, `r${round}`, size);
    const run = await runLoad(appliance, ca, pool, { ...load, reuse: false });
    runs.appliance.push(run);
    out(runRow(String(round), run));
    if (run.exhausted) out(`  (used all ${whole(size)} deliveries: a lower bound)\n`);
  }

  const bareSummary = summarise('bare', runs.bare);
  const applianceSummary = summarise('appliance', runs.appliance);
  out(summaryRow(bareSummary));
  out(summaryRow(applianceSummary));
  const ratio = applianceSummary.rate / bareSummary.rate;
  const verdict = ratio >= TARGET_RATIO ? 'PASS' : 'FAIL';
  out(`\nappliance / bare: ${(ratio * 100).toFixed(1)}% `);
  out(`(target ≥ ${TARGET_RATIO * 100}%) ${verdict}\n`);
  const busy = [...runs.bare, ...runs.appliance].some(
    (run) => (run.otherCpu ?? 0) > BUSY_NEIGHBOUR,
  );
  if (busy)
    out('note: other processes used the CPU during some runs (column "others")\n');
  return runs;
}

/** Reopens the database: one row per distinct wamid acknowledged, no more. */
async function reportStored(bench: BenchAppliance, runs: LoadResult[]): Promise<boolean> {
  const acknowledged = new Set(runs.flatMap((run) => [...run.acknowledged]));
  const sent = runs.reduce((sum, run) => sum + run.sent, 0);
  const duplicates = runs.reduce((sum, run) => sum + run.duplicatesSent, 0);
  const check = await checkStored(bench, acknowledged, logger);
  const ok = check.stored === acknowledged.size && check.missing === 0;

  out(`\nappliance: ${whole(sent)} deliveries sent, ${whole(duplicates)} of them `);
  out(`repeats (${((100 * duplicates) / Math.max(sent, 1)).toFixed(1)}%); `);
  out(`${whole(acknowledged.size)} distinct wamids answered 200; `);
  out(`${whole(check.stored)} messages in the database, ${check.missing} missing → `);
  out(ok ? 'OK, each stored once\n' : 'MISMATCH\n');
  return ok;
}

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a whole number ≥ 1`);
  return value;
}
