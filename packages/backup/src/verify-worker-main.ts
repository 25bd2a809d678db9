import { parentPort, workerData } from 'node:worker_threads';
import { checkSnapshotFile } from './verify-file.ts';
import type { VerifyThreadInput } from './verify-thread.ts';

/** A snapshot-verification thread: checks one file, posts the answer once. */
const port = parentPort;
if (!port) throw new Error('verify-worker-main must run in a worker thread');
const input = workerData as VerifyThreadInput;
try {
  port.postMessage(checkSnapshotFile(input.path, Buffer.from(input.key)));
} finally {
  port.close();
}
