import { Worker } from 'node:worker_threads';
import type { AuditCheckpoint, Db } from '@flowgento/store';
import {
  anchorChecked,
  chainBounds,
  chainReport,
  verifyChain,
  type AuditChainReport,
} from './chain-verify.ts';
import { walkChainRange, type WalkResult } from './chain-walk.ts';
import type { VerifyWorkerInput, VerifyWorkerOutput } from './verify-worker-main.ts';

const WORKER_ENTRY = new URL('./verify-worker.mjs', import.meta.url);
/** Below this many entries a second thread costs more than it saves. */
const PARALLEL_FROM = 200_000;

/** The database file and key, so a second thread can open its own connection. */
export interface ChainSource {
  path: string;
  key: Buffer;
}

/**
 * `verifyChain`, with the newer half of a long log walked on a second
 * thread at the same time; with `offThread`, every walk runs on worker
 * threads, so a server's event loop stays free for requests. Walks cover
 * only entries that existed when this thread read the bounds (the log is
 * append-only); a report of anything wrong is confirmed by one walk in a
 * single snapshot before it is returned, so a prune that ran meanwhile
 * cannot cause a false alarm.
 */
export async function verifyChainInParallel(
  db: Db,
  source: ChainSource,
  checkpoints: readonly AuditCheckpoint[] = [],
  options: { parallelFrom?: number; offThread?: boolean } = {},
): Promise<AuditChainReport> {
  const parallelFrom = options.parallelFrom ?? PARALLEL_FROM;
  const bounds = db.transaction(() => chainBounds(db))();
  const size = bounds.maxSeq - bounds.firstSeq + 1;
  if (size < parallelFrom && !options.offThread) return verifyChain(db, checkpoints);

  const split =
    size < parallelFrom ? bounds.maxSeq + 1 : bounds.firstSeq + Math.floor(size / 2);
  const range = (fromSeq: number, toSeq: number, prevHash: string | null) => ({
    path: source.path,
    key: source.key,
    fromSeq,
    toSeq,
    prevHash,
    checkpoints: [...checkpoints],
  });
  const workers = await Promise.all([
    ...(options.offThread
      ? [startWorker(range(bounds.firstSeq, split - 1, bounds.firstPrevHash))]
      : []),
    ...(split <= bounds.maxSeq ? [startWorker(range(split, bounds.maxSeq, null))] : []),
  ]);
  const walking = workers.map((worker) => worker.walk());
  // Settled below; until then a failure must not go unhandled.
  for (const walk of walking) walk.catch(() => undefined);
  const walks: WalkResult[] = [];
  if (!options.offThread) {
    // The older half here, meanwhile, in one read of its own: nothing else
    // on this connection waits for it, as nothing here awaits until it ends.
    walks.push(
      db.transaction(() =>
        walkChainRange(
          db,
          { fromSeq: bounds.firstSeq, toSeq: split - 1, prevHash: bounds.firstPrevHash },
          checkpoints,
        ),
      )(),
    );
  }
  for (const walk of walking) {
    if (walks.at(-1)?.problem) break;
    walks.push(await walk);
  }
  for (const worker of workers) void worker.stop();
  const report = anchorChecked(
    db,
    bounds,
    chainReport(bounds, walks, checkpoints),
    checkpoints,
  );
  return report.intact ? report : verifyChain(db, checkpoints);
}

/** A worker loaded and holding its connection, ready to walk on `walk()`. */
function startWorker(
  input: VerifyWorkerInput,
): Promise<{ walk(): Promise<WalkResult>; stop(): Promise<number> }> {
  return new Promise((resolveReady, rejectReady) => {
    const worker = new Worker(WORKER_ENTRY, { workerData: input });
    let settle:
      { resolve(walk: WalkResult): void; reject(error: Error): void } | undefined;
    const fail = (error: Error) => (settle ? settle.reject(error) : rejectReady(error));
    worker.on('message', (output: VerifyWorkerOutput) => {
      if (!output.ok)
        return fail(new Error(`Chain verification thread: ${output.message}`));
      if ('ready' in output) {
        return resolveReady({
          walk: () =>
            new Promise<WalkResult>((resolve, reject) => {
              settle = { resolve, reject };
              worker.postMessage('go');
            }),
          stop: () => worker.terminate(),
        });
      }
      settle?.resolve(output.walk);
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      if (code !== 0) fail(new Error(`Chain verification thread exited with ${code}`));
    });
  });
}
