import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ShippedSegment } from '@flowgento/backup';
import { migrate, openEncryptedDatabase } from '@flowgento/store';
import { startEngine, type BenchBackupSetup } from './backup-engine-runs.ts';
import type { LagWriterInput } from './lag-writer-main.ts';

const WRITER = new URL('./lag-writer.mjs', import.meta.url);

export interface LagResult {
  written: number;
  perSecond: number;
  /** Commit to segment-in-the-bucket, ms, one per commit, ascending. */
  lags: Float64Array;
  segments: number;
}

/**
 * Shipping lag under a steady write load: a writer thread commits one
 * audited action per transaction at `perSecond` while the engine (default
 * intervals, as the appliance runs it) ships to the tier. Each commit's lag
 * is from its commit to the upload of the segment that holds it; commits
 * map to segments by count, as the writer is the only one committing.
 */
export async function measureLag(
  setup: BenchBackupSetup,
  dataDir: string,
  perSecond: number,
  forMs: number,
): Promise<LagResult> {
  mkdirSync(dirname(setup.databasePath), { recursive: true });
  const db = openEncryptedDatabase({
    path: setup.databasePath,
    key: setup.databaseKey,
    autoCheckpoint: false,
  });
  migrate(db);
  db.close();

  const uploaded: (ShippedSegment & { uploadedAt: number })[] = [];
  let snapshotDone: () => void = () => undefined;
  const snapshot = new Promise<void>((done) => (snapshotDone = done));
  const engine = startEngine(setup, join(dataDir, 'engine'), {
    onSegmentUploaded: (segment) => uploaded.push(segment),
    onEvent: (event) => event.type === 'snapshot.completed' && snapshotDone(),
  });
  try {
    await snapshot;
    const commitTimes = new SharedArrayBuffer(8 * Math.ceil((perSecond * forMs) / 1000));
    const input: LagWriterInput = {
      path: setup.databasePath,
      keyHex: setup.databaseKey.toString('hex'),
      perSecond,
      forMs,
      commitTimes,
    };
    const run = await new Promise<{ written: number; seconds: number }>((done, fail) => {
      const worker = new Worker(WRITER, { workerData: input });
      worker.once('message', done);
      worker.once('error', fail);
    });
    // flush() cuts what was observed: let a polling turn see the last commits.
    await new Promise((done) => setTimeout(done, 3000));
    await engine.flush();
    return {
      written: run.written,
      perSecond: run.written / run.seconds,
      lags: lagsOf(new Float64Array(commitTimes, 0, run.written), uploaded),
      segments: uploaded.length,
    };
  } finally {
    await engine.stop();
  }
}

function lagsOf(
  commits: Float64Array,
  segments: (ShippedSegment & { uploadedAt: number })[],
): Float64Array {
  const shipped = segments.reduce((sum, s) => sum + s.commits, 0);
  if (shipped !== commits.length) {
    throw new Error(`${commits.length} commits written, ${shipped} shipped`);
  }
  const lags = new Float64Array(commits.length);
  let next = 0;
  for (const segment of [...segments].sort((a, b) => a.sequence - b.sequence)) {
    for (let i = 0; i < segment.commits; i += 1, next += 1) {
      lags[next] = segment.uploadedAt - commits[next]!;
    }
  }
  return lags.sort();
}
