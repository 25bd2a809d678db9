import { randomBytes } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { AuditLog } from '@flowgento/audit';
import { openEncryptedDatabase, Store } from '@flowgento/store';

/** What the shipping-lag bench gives its writer thread. */
export interface LagWriterInput {
  path: string;
  keyHex: string;
  perSecond: number;
  forMs: number;
  /** Float64 commit times (ms since the epoch), one per write, in order. */
  commitTimes: SharedArrayBuffer;
}

// Off the shipper's thread, like the intake writer: one audited action per
// transaction, paced to the rate, each commit's time noted after it returns.
const input = workerData as LagWriterInput;
const times = new Float64Array(input.commitTimes);
const pause = new Int32Array(new SharedArrayBuffer(4));
const store = new Store(
  // The engine is the only checkpointer while backups run.
  openEncryptedDatabase({
    path: input.path,
    key: Buffer.from(input.keyHex, 'hex'),
    mustExist: true,
    autoCheckpoint: false,
  }),
);
const audit = new AuditLog(store);
const total = Math.min(times.length, Math.floor((input.perSecond * input.forMs) / 1000));
const started = Date.now();
let written = 0;
for (; written < total; written += 1) {
  const due = started + (written * 1000) / input.perSecond;
  const wait = due - Date.now();
  if (wait > 0) Atomics.wait(pause, 0, 0, wait);
  store.transaction(() =>
    audit.record({
      workspaceId: null,
      actor: { type: 'system', label: 'bench' },
      action: 'keys.rotated',
      origin: { ip: null, userAgent: null, requestId: randomBytes(8).toString('hex') },
      details: { n: written },
    }),
  );
  times[written] = Date.now();
}
parentPort!.postMessage({ written, seconds: (Date.now() - started) / 1000 });
// Closing the last writer connection checkpoints the log behind the
// shipper's back; stay open until the bench has flushed what was written.
parentPort!.once('message', () => {
  store.close();
  parentPort!.close();
});
