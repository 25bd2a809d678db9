import {
  chmodSync,
  closeSync,
  copyFileSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '@flowgento/core';
import {
  createNextRootKey,
  discardNextKeyFile,
  discardStagedTlsKeys,
  promoteNextKeyFile,
  promoteStagedTlsKeys,
  stageTlsRewrap,
  unwrapSecret,
  wrapSecret,
} from '@flowgento/crypto';
import { AuditLog, type AuditActor } from '@flowgento/audit';
import { ringAad } from '@flowgento/messaging';
import { openEncryptedDatabase, Store, type Db } from '@flowgento/store';
import {
  dataPaths,
  writeApplianceState,
  type ApplianceState,
} from '../appliance-state.ts';
import { subkeysOf, type Subkeys } from './subkeys.ts';
import type { OpenedAppliance } from '../appliance.ts';

/**
 * A database rekey moves everything bound to the root key to a new one: the
 * database's own key, the key ring's wrapping, the TLS private keys and the
 * stored check value. It runs as four steps, each leaving the data folder in
 * a state the next open understands (`appliance.json` records the pending
 * setup from step 1 until step 4 ends):
 *
 * 1. `beginRekey`: the new key goes to `<key file>.next` (or comes from the
 *    new passphrase) and its setup is recorded as pending.
 * 2. `stageRekey`: the key ring and TLS keys are wrapped for the new key too,
 *    beside the current wrapping.
 * 3. `switchDatabaseKey`: checkpoint, DELETE journal, a durable copy of the
 *    file, PRAGMA rekey, verify, back to WAL. The copy is there because the
 *    rekey is not crash-safe on its own: killed while pages are being
 *    written, a SQLCipher file (appliances made before AEGIS) was left so
 *    that neither key opened it and its rollback journal could not be played
 *    back (measured then in keys-rekey-kill.test.ts; AEGIS files have not
 *    shown it, but the copy is cheap insurance). Recovery puts it back.
 * 4. `finishRekey`: the staged wrapping becomes current, the new key file
 *    replaces the old one, the pending setup becomes the setup.
 *
 * After a crash, the next open tries the database with the current key, then
 * the pending one: if the current key still opens it, the rekey is undone
 * (`undoRekey`); if only the new one does, it is finished. Neither needs the
 * other key, since everything the new key needs was staged before step 3.
 * A half-rekeyed file (a rollback journal beside it) is first replaced by the
 * copy from step 3 (see `rekey-recovery.ts`).
 */
export interface RekeyPlace {
  dataDir: string;
  keyFilePath: string;
}

/** Step 1: creates the new root key and records it as pending. */
export async function beginRekey(
  place: RekeyPlace,
  state: ApplianceState,
  newPassphrase: string | undefined,
): Promise<{ newRootKey: Buffer; state: ApplianceState }> {
  const { rootKey, setup } = await createNextRootKey({
    current: state.keySetup,
    keyFilePath: place.keyFilePath,
    newPassphrase,
  });
  const pending: ApplianceState = { ...state, pendingKeySetup: setup };
  writeApplianceState(place.dataDir, pending);
  return { newRootKey: rootKey, state: pending };
}

/** Step 2: wraps the key ring and the TLS keys for the new root key as well. */
export function stageRekey(
  store: Store,
  dataDir: string,
  from: Subkeys,
  to: Subkeys,
): void {
  store.transaction(() => {
    for (const entry of store.keyRing.all()) {
      if (entry.wrappedKey === null) continue;
      const key = unwrapSecret(from.secretsKey, entry.wrappedKey, ringAad(entry.id));
      store.keyRing.stageNext(
        entry.id,
        wrapSecret(to.secretsKey, key, ringAad(entry.id)),
      );
      key.fill(0);
    }
  });
  stageTlsRewrap(dataPaths(dataDir).tls, from.tlsKey, to.tlsKey);
}

/**
 * Step 3: re-encrypts every page under `newDatabaseKey`. PRAGMA rekey is
 * refused in WAL mode, so the WAL is emptied and the journal switched to
 * DELETE first; the rollback journal makes the rekey atomic. Returns the
 * database reopened with the new key (and in WAL mode again); `db` is closed.
 */
export function switchDatabaseKey(db: Db, path: string, newDatabaseKey: Buffer): Db {
  const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  if (checkpoint?.busy !== 0) {
    throw new AppError(
      'CONFLICT',
      'Another connection is using the database (a backup or simulate command?); ' +
        'wait for it to end and run the command again',
      { reason: 'database_busy' },
    );
  }
  const mode = db.pragma('journal_mode = DELETE', { simple: true });
  if (mode !== 'delete') {
    throw new AppError('CONFLICT', 'The database could not leave WAL mode', {
      reason: 'database_busy',
    });
  }
  copyFileDurably(path, dataPathsOf(path).preRekeyCopy);
  db.pragma(`rekey = "x'${newDatabaseKey.toString('hex')}'"`);
  assertIntact(db);
  db.close();

  const reopened = openEncryptedDatabase({ path, key: newDatabaseKey, mustExist: true });
  assertIntact(reopened);
  return reopened;
}

/** Step 4 (or recovery after step 3): makes the new key the only key. */
export function finishRekey(
  store: Store,
  place: RekeyPlace,
  state: ApplianceState,
  actor: AuditActor,
): ApplianceState {
  const { pendingKeySetup, ...rest } = state;
  if (!pendingKeySetup) return state;
  store.transaction(() => {
    // Zero after a crash past this point: the entry was written with the promotion.
    if (store.keyRing.promoteNext() === 0) return;
    new AuditLog(store).record({
      workspaceId: null,
      actor,
      action: 'keys.database_rekeyed',
      origin: { ip: null, userAgent: 'flowgento-cli' },
      details: { keyMode: pendingKeySetup.mode },
    });
  });
  promoteStagedTlsKeys(dataPaths(place.dataDir).tls);
  if (pendingKeySetup.mode === 'file') promoteNextKeyFile(place.keyFilePath);
  rmSync(dataPaths(place.dataDir).preRekeyCopy, { force: true });
  const finished: ApplianceState = { ...rest, keySetup: pendingKeySetup };
  writeApplianceState(place.dataDir, finished);
  return finished;
}

/** Recovery before step 3 completed: drops everything staged for the new key. */
export function undoRekey(
  store: Store,
  place: RekeyPlace,
  state: ApplianceState,
): ApplianceState {
  const { pendingKeySetup, ...rest } = state;
  store.transaction(() => store.keyRing.discardNext());
  discardStagedTlsKeys(dataPaths(place.dataDir).tls);
  if (pendingKeySetup?.mode === 'file') discardNextKeyFile(place.keyFilePath);
  rmSync(dataPaths(place.dataDir).preRekeyCopy, { force: true });
  writeApplianceState(place.dataDir, rest);
  return rest;
}

/** The data folder paths of the database at `databasePath`. */
function dataPathsOf(databasePath: string) {
  return dataPaths(dirname(databasePath));
}

/**
 * Copies `from` to `to` so that `to` exists only once complete and on disk:
 * recovery trusts a copy by its name alone.
 */
function copyFileDurably(from: string, to: string): void {
  const temp = `${to}.tmp`;
  rmSync(temp, { force: true });
  copyFileSync(from, temp);
  const fd = openSync(temp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temp, 0o600);
  renameSync(temp, to);
}

function assertIntact(db: Db): void {
  const result = db.pragma('integrity_check', { simple: true });
  if (result !== 'ok') {
    throw new AppError(
      'INTERNAL',
      `The database failed its integrity check: ${String(result)}`,
      {
        reason: 'database_damaged',
      },
    );
  }
}

/**
 * All four steps, for the CLI. `appliance` must have been opened under the
 * folder lock; its store is closed on return, whatever happens. After a
 * failure part-way, reopening the appliance (under the lock) repairs it.
 */
export async function rekeyDatabase(
  appliance: OpenedAppliance,
  place: RekeyPlace,
  newPassphrase: string | undefined,
  databasePath: string,
  actor: AuditActor,
): Promise<ApplianceState> {
  const { installationId } = appliance.state;
  try {
    const begun = await beginRekey(place, appliance.state, newPassphrase);
    const to = subkeysOf(begun.newRootKey, installationId);
    stageRekey(appliance.store, place.dataDir, appliance, to);

    const db = switchDatabaseKey(appliance.store.db, databasePath, to.databaseKey);
    const store = new Store(db, appliance.store.clock);
    try {
      return finishRekey(store, place, begun.state, actor);
    } finally {
      store.close();
    }
  } finally {
    appliance.store.close();
  }
}
