import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '@flowgento/core';
import {
  Checkpointer,
  ContactVault,
  openEncryptedDatabase,
  SearchIndex,
  Store,
} from '@flowgento/store';
import { CommitBatcher } from './commit-batcher.ts';
import { storeIntakeRecords } from './intake-records.ts';
import type { ToWorker, FromWorker, WorkerSetup } from './intake-worker-protocol.ts';

/**
 * The intake writer thread: its own connection to the encrypted database,
 * grouping the writes it receives into shared commits and checkpointing the
 * WAL, so that page encryption and fsync never hold up the HTTP thread.
 */
const port = parentPort;
if (!port) throw new Error('intake-worker-main must run in a worker thread');
const setup = workerData as WorkerSetup;
const send = (message: FromWorker) => port.postMessage(message);

try {
  const db = openEncryptedDatabase({
    path: setup.path,
    key: Buffer.from(setup.key),
    mustExist: true,
    autoCheckpoint: false,
  });
  // Under continuous backup the engine is the only checkpointer, at close too.
  const store = new Store(db, undefined, {
    checkpointOnClose: setup.checkpoints !== false,
  });
  const vault = setup.vault && ContactVault.open(setup.vault.path, setup.vault.keys);
  if (vault) {
    vault.onChange = () => send({ type: 'vault-changed' });
    store.contactKeys = vault;
    // Indexes what this thread writes; the main thread rebuilds it when stale.
    SearchIndex.attach(store, vault.searchIndexFile());
  }
  const batcher = new CommitBatcher(store, 2048);
  const checkpointer = setup.checkpoints === false ? null : new Checkpointer(db);

  port.on('message', (message: ToWorker) => {
    if (message.type === 'close') {
      // Writes that arrived before the close are committed and answered
      // (their answers go out as microtasks) before the connection closes.
      batcher.drain();
      setImmediate(() => {
        checkpointer?.stop();
        store.close();
        vault?.close();
        send({ type: 'closed', stats: batcher.stats });
        port.close();
      });
      return;
    }
    batcher
      .submit(() => storeIntakeRecords(store, message.records))
      .then(
        (result) => send({ type: 'written', id: message.id, result }),
        (error: unknown) =>
          send({
            type: 'failed',
            id: message.id,
            code: isAppError(error) ? error.code : 'INTERNAL',
            message: error instanceof Error ? error.message : String(error),
          }),
      );
  });
  send({ type: 'ready' });
} catch (error) {
  send({
    type: 'unusable',
    message: error instanceof Error ? error.message : String(error),
  });
}
