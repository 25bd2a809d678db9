import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '@flowgento/core';
import { openEncryptedDatabase, schemaVersion } from '@flowgento/store';
import { verifySnapshot } from './create-backup.ts';
import type { VerifyThreadInput, VerifyThreadOutput } from './verify-thread.ts';

/**
 * Checks one snapshot file on its own connection: integrity, row counts and
 * schema version, posted back once.
 */
const port = parentPort;
if (!port) throw new Error('verify-worker-main must run in a worker thread');
const input = workerData as VerifyThreadInput;
const send = (output: VerifyThreadOutput) => port.postMessage(output);
try {
  const key = Buffer.from(input.key);
  const rowCounts = verifySnapshot(input.path, key);
  const db = openEncryptedDatabase({
    path: input.path,
    key,
    mustExist: true,
    readonly: true,
  });
  const version = schemaVersion(db);
  db.close();
  send({ ok: true, facts: { rowCounts, schemaVersion: version } });
} catch (error) {
  send({
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    reason: isAppError(error) ? error.reason : undefined,
  });
} finally {
  port.close();
}
