import { parentPort, workerData } from 'node:worker_threads';
import { openEncryptedDatabase, type AuditCheckpoint } from '@flowgento/store';
import { walkChainRange, type WalkResult } from './chain-walk.ts';

export interface VerifyWorkerInput {
  path: string;
  key: Uint8Array;
  fromSeq: number;
  toSeq: number;
  /** The hash the first entry must link to; null when the range before is walked elsewhere. */
  prevHash: string | null;
  checkpoints: AuditCheckpoint[];
}

export type VerifyWorkerOutput =
  | { ok: true; ready: true }
  | { ok: true; walk: WalkResult }
  | { ok: false; message: string };

/**
 * One range of the chain, walked on its own read-only connection, so that a
 * long log is checked on every core. The range's link to the one before it
 * is checked by the caller.
 */
const port = parentPort;
if (!port) throw new Error('verify-worker-main must run in a worker thread');
const input = workerData as VerifyWorkerInput;
const send = (output: VerifyWorkerOutput) => port.postMessage(output);
try {
  const db = openEncryptedDatabase({
    path: input.path,
    key: Buffer.from(input.key),
    mustExist: true,
    readonly: true,
  });
  // Loaded and open: the walk starts when the caller says, so that both
  // threads walk at the same time.
  send({ ok: true, ready: true });
  port.once('message', () => {
    try {
      const walk = walkChainRange(
        db,
        { fromSeq: input.fromSeq, toSeq: input.toSeq, prevHash: input.prevHash },
        input.checkpoints,
      );
      send({ ok: true, walk });
    } catch (error) {
      send({
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      db.close();
      port.close();
    }
  });
} catch (error) {
  send({ ok: false, message: error instanceof Error ? error.message : String(error) });
  port.close();
}
