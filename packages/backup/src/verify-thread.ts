import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '@flowgento/core';

const WORKER_ENTRY = new URL('./verify-worker.mjs', import.meta.url);
const CHILD_ENTRY = new URL('./verify-child.mjs', import.meta.url);

/** What a snapshot's check finds: the facts its manifest records. */
export interface SnapshotFacts {
  rowCounts: Record<string, number>;
  schemaVersion: number;
}

export interface VerifyThreadInput {
  path: string;
  key: Uint8Array;
}

export type VerifyThreadOutput =
  | { ok: true; facts: SnapshotFacts }
  | { ok: false; message: string; reason: string | undefined };

export interface RunningVerification {
  readonly facts: Promise<SnapshotFacts>;
  /** Stops the check; `facts` then rejects. */
  cancel(): void;
}

/**
 * `verifySnapshot` on a worker thread, so a gigabyte's integrity check runs
 * beside the work that needs its answer (the snapshot's upload) instead of
 * before it, and never holds up the server's event loop. A failed check
 * keeps its reason; a cancelled or crashed thread is an INTERNAL error.
 */
export function verifySnapshotOffThread(path: string, key: Buffer): RunningVerification {
  const input: VerifyThreadInput = { path, key: new Uint8Array(key) };
  const worker = new Worker(WORKER_ENTRY, { workerData: input });
  return running(worker, () => void worker.terminate());
}

/**
 * `verifySnapshot` in a process of its own, for a file this process also
 * has open under another name (a hard link to the live database): SQLite
 * shares one wal-index per file among a process's connections, so a
 * connection here would read the live log's index against the link's
 * empty log. In its own process the check sees the file alone.
 */
export function verifySnapshotInChild(path: string, key: Buffer): RunningVerification {
  const child = fork(fileURLToPath(CHILD_ENTRY), [], {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  child.send({ path, key: key.toString('hex') });
  return running(child, () => void child.kill());
}

function running(
  thread: Pick<Worker, 'once'> | ChildProcess,
  stop: () => void,
): RunningVerification {
  const facts = new Promise<SnapshotFacts>((resolve, reject) => {
    const answered = (output: VerifyThreadOutput) => {
      if (output.ok) return resolve(output.facts);
      reject(
        output.reason
          ? new AppError('INTERNAL', output.message, { reason: output.reason })
          : new AppError(
              'INTERNAL',
              `The snapshot could not be checked: ${output.message}`,
              {
                reason: 'snapshot_unverifiable',
              },
            ),
      );
    };
    thread.once('message', answered);
    thread.once('error', (error: Error) =>
      reject(new AppError('INTERNAL', 'The snapshot check failed', { cause: error })),
    );
    thread.once('exit', () =>
      reject(
        new AppError('INTERNAL', 'The snapshot check stopped before its answer', {
          reason: 'snapshot_check_stopped',
        }),
      ),
    );
  });
  // A caller that cancels does not wait for the answer.
  facts.catch(() => undefined);
  return { facts, cancel: stop };
}
