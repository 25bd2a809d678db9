/**
 * `npm run bench` (third part), `npm run bench:backup`: continuous backup
 * against a throwaway Ceph gateway on loopback (bench/backup-rgw.ts).
 *
 * Throughput, against a baseline measured in the same run on the same
 * gateway with the same client settings: one raw PutObject and GetObject of
 * the database file's bytes, then the engine's snapshot and upload (the
 * file sealed as one streamed PutObject, its integrity check in another
 * process meanwhile, manifest) and a restore of it into a new folder (download,
 * row counts, replay, integrity check). Target: at least 70% of the raw rate,
 * medians of --runs runs, which alternate whether raw or engine goes first.
 *
 * Shipping lag: a writer thread commits one audited action per transaction
 * at --rate per second for --lag-seconds while the engine ships; each
 * commit's lag runs to the upload of its segment. Target: p99 at most 2 s.
 *
 * Flags: --bytes=N (1 GiB), --runs=N (4), --rate=N (1000), --lag-seconds=N
 * (20), --memstore=N (6 GiB). Exits 1 when a target is missed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { verifySnapshot } from '@flowgento/backup';
import {
  createS3Client,
  OrderedTierStore,
  parseS3Settings,
  S3StorageProvider,
  type TierProviders,
} from '@flowgento/storage';
import { buildDatabase } from './backup-database.ts';
import {
  restoreRun,
  snapshotRun,
  type BenchBackupSetup,
  type Phases,
} from './backup-engine-runs.ts';
import { measureLag } from './backup-lag.ts';
import { rawGet, rawPut } from './backup-raw.ts';
import { benchBucket, startBenchRgw } from './backup-rgw.ts';
import { median, phaseLines, ratioRow, RATIO_HEADER } from './backup-report.ts';
import { quantile } from './report.ts';

const RATIO_TARGET = 0.7;
const LAG_TARGET_MS = 2000;
const GIB = 1024 ** 3;

const { values: flags } = parseArgs({
  args: process.argv.slice(3),
  options: {
    bytes: { type: 'string', default: String(GIB) },
    runs: { type: 'string', default: '4' },
    rate: { type: 'string', default: '1000' },
    'lag-seconds': { type: 'string', default: '20' },
    memstore: { type: 'string', default: String(6 * GIB) },
  },
});
const out = (text: string) => process.stdout.write(text);
const dir = mkdtempSync(join(tmpdir(), 'fg-bench-backup-'));
const failures: string[] = [];

out(
  `starting a Ceph gateway on loopback (memstore ${Number(flags.memstore) / GIB} GiB)\n`,
);
const rgw = await startBenchRgw(Number(flags.memstore));
try {
  const settingsOf = (bucket: string) =>
    parseS3Settings({
      preset: 's3-compatible',
      endpoint: rgw.endpoint,
      region: 'us-east-1',
      bucket,
      accessKeyId: rgw.accessKeyId,
      secretAccessKey: rgw.secretAccessKey,
    });
  const setupFor = async (bucket: string, databasePath: string) => {
    (await benchBucket(rgw, bucket)).destroy();
    const provider = new S3StorageProvider(settingsOf(bucket));
    const providers: TierProviders = {
      providersOf: () => [{ providerId: 'rgw', provider }],
    };
    const setup: BenchBackupSetup = {
      databasePath,
      databaseKey: randomBytes(32),
      backupKey: randomBytes(32),
      installationId: randomUUID(),
      tier: new OrderedTierStore(providers),
      providers,
    };
    return { setup, provider };
  };

  // Throughput.
  const { setup, provider } = await setupFor('fg-bench-backup', join(dir, 'big.db'));
  let started = performance.now();
  const bytes = buildDatabase(setup.databasePath, setup.databaseKey, Number(flags.bytes));
  const mib = bytes / 1024 ** 2;
  out(`built a ${mib.toFixed(0)} MiB encrypted database in ${since(started)} s\n`);
  started = performance.now();
  verifySnapshot(setup.databasePath, setup.databaseKey);
  out(`its integrity check alone (as the engine runs it): ${since(started)} s\n\n`);

  const raw = createS3Client(settingsOf('fg-bench-raw'));
  (await benchBucket(rgw, 'fg-bench-raw')).destroy();
  const runs: Record<'put' | 'get' | 'snapshot' | 'restore', number[]> = {
    put: [],
    get: [],
    snapshot: [],
    restore: [],
  };
  const phases: Record<'snapshot' | 'restore', Phases[]> = { snapshot: [], restore: [] };
  for (let run = 1; run <= Number(flags.runs); run += 1) {
    const rawRun = async () => {
      runs.put.push(await rawPut(raw, 'fg-bench-raw', 'raw.db', setup.databasePath));
      runs.get.push(
        await rawGet(raw, 'fg-bench-raw', 'raw.db', join(dir, 'raw-copy.db')),
      );
      rmSync(join(dir, 'raw-copy.db'));
      await raw.send(new DeleteObjectCommand({ Bucket: 'fg-bench-raw', Key: 'raw.db' }));
    };
    // Which goes first alternates: the gateway reads and writes at different
    // speeds depending on what the run before left in its memory, and
    // neither side may gain from it.
    if (run % 2 === 1) await rawRun();
    const snapshot = await snapshotRun(setup, dir);
    const restore = await restoreRun(setup, dir);
    if (run % 2 === 0) await rawRun();
    runs.snapshot.push(snapshot.seconds);
    runs.restore.push(restore.seconds);
    phases.snapshot.push(snapshot.phases);
    phases.restore.push(restore.phases);
    out(
      `run ${run}: put ${runs.put.at(-1)!.toFixed(2)} s, get ${runs.get.at(-1)!.toFixed(2)} s, ` +
        `snapshot ${snapshot.seconds.toFixed(2)} s, restore ${restore.seconds.toFixed(2)} s\n`,
    );
    // Memstore holds everything in memory: leave only what the next run needs.
    for await (const object of provider.list()) await provider.delete(object.key);
    rgw.collectGarbage();
  }
  raw.destroy();
  provider.destroy();

  const rate = (kind: keyof typeof runs) => mib / median(runs[kind]);
  out(`\nbackup throughput: ${mib.toFixed(0)} MiB, median of ${flags.runs} runs\n\n`);
  out(RATIO_HEADER);
  for (const [label, kind, base] of [
    ['baseline: raw PutObject', 'put', 'put'],
    ['engine: snapshot + upload', 'snapshot', 'put'],
    ['baseline: raw GetObject', 'get', 'get'],
    ['engine: download + restore', 'restore', 'get'],
  ] as const) {
    const ratio = rate(kind) / rate(base);
    const checked = kind !== base;
    const ok = !checked || ratio >= RATIO_TARGET;
    if (!ok) failures.push(`${label} at ${Math.round(ratio * 100)}% of raw`);
    out(
      ratioRow(label, median(runs[kind]), rate(kind), ratio, checked, ok, RATIO_TARGET),
    );
  }
  out(`\nwhere the engine's time goes (median seconds)\n`);
  out(phaseLines('snapshot + upload', phases.snapshot));
  out(phaseLines('download + restore', phases.restore));

  // Shipping lag.
  const lagDir = join(dir, 'lag');
  const { setup: lagSetup, provider: lagProvider } = await setupFor(
    'fg-bench-lag',
    join(lagDir, 'flowgento.db'),
  );
  const perSecond = Number(flags.rate);
  const lag = await measureLag(
    lagSetup,
    lagDir,
    perSecond,
    Number(flags['lag-seconds']) * 1000,
  );
  lagProvider.destroy();
  const p99 = quantile(lag.lags, 0.99);
  const lagOk = p99 <= LAG_TARGET_MS && lag.perSecond >= perSecond * 0.95;
  out(
    `\nshipping lag: ${lag.written.toLocaleString('en-US')} commits at ` +
      `${Math.round(lag.perSecond).toLocaleString('en-US')}/s (asked ${perSecond}/s), ` +
      `${lag.segments} segments\n` +
      `  p50 ${Math.round(quantile(lag.lags, 0.5))} ms, p99 ${Math.round(p99)} ms, ` +
      `max ${Math.round(lag.lags.at(-1) ?? Number.NaN)} ms; ` +
      `target p99 ≤ ${LAG_TARGET_MS} ms: ${lagOk ? 'PASS' : 'FAIL'}\n`,
  );
  if (p99 > LAG_TARGET_MS) failures.push(`shipping lag p99 ${Math.round(p99)} ms`);
  if (lag.perSecond < perSecond * 0.95) {
    failures.push(`the writer reached only ${Math.round(lag.perSecond)} commits/s`);
  }
} catch (error) {
  failures.push(
    `the bench failed: ${error instanceof Error ? error.stack : String(error)}`,
  );
} finally {
  rgw.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (failures.length > 0) out(`\nFAIL: ${failures.join('; ')}\n`);
process.exit(failures.length > 0 ? 1 : 0);

function since(mark: number): string {
  return ((performance.now() - mark) / 1000).toFixed(1);
}
