import { existsSync, renameSync, rmSync } from 'node:fs';
import { AppError, isAppError } from '@flowgento/core';
import { findRootKeyCandidates } from '@flowgento/crypto';
import { openEncryptedDatabase, type Db } from '@flowgento/store';
import type { ApplianceState } from '../appliance-state.ts';
import { subkeysOf } from './subkeys.ts';

/**
 * Opens the database of a data folder whose rekey was interrupted, with
 * whichever of the two root keys it now takes: the current key first (the
 * rekey never reached or never completed the database: undo), then the
 * pending one (the database already switched: finish).
 */
export async function openInterruptedRekey(input: {
  state: ApplianceState;
  keyFilePath: string;
  databasePath: string;
  passphrases: (string | undefined)[];
  autoCheckpoint: boolean;
}): Promise<{ rootKey: Buffer; db: Db; outcome: 'finish' | 'undo' }> {
  const { state } = input;
  const pending = state.pendingKeySetup;
  if (!pending) throw new Error('No rekey is pending');
  const candidates = await findRootKeyCandidates({
    current: state.keySetup,
    pending,
    keyFilePath: input.keyFilePath,
    passphrases: input.passphrases,
  });

  const tryOpen = (rootKey: Buffer | undefined): Db | undefined => {
    if (!rootKey) return undefined;
    try {
      return openEncryptedDatabase({
        path: input.databasePath,
        key: subkeysOf(rootKey, state.installationId).databaseKey,
        mustExist: true,
        autoCheckpoint: input.autoCheckpoint,
      });
    } catch (error) {
      if (isAppError(error) && error.code === 'KEY_REJECTED') return undefined;
      throw error;
    }
  };

  // A rollback journal means PRAGMA rekey died part-way. Played back through
  // the wrong key it writes garbage into the file, and late in the rekey no
  // key can play it back at all (both measured): the copy taken just before
  // the rekey replaces the file.
  const journalPath = `${input.databasePath}-journal`;
  const copyPath = `${input.databasePath}.pre-rekey`;
  const journal = existsSync(journalPath);
  // Nothing is written before a key is proven against its check value.
  if (journal && !candidates.current) {
    throw new AppError('KEY_REJECTED', journalNeedsCurrentKey(state), {
      reason: 'rekey_needs_previous_key',
    });
  }
  if (journal && existsSync(copyPath)) {
    renameSync(copyPath, input.databasePath);
    // Left behind by a crash right here, the journal holds the same pages as
    // the restored file, so playing it back changes nothing.
    rmSync(journalPath);
  }
  const withCurrent = tryOpen(candidates.current);
  if (withCurrent && candidates.current) {
    return { rootKey: candidates.current, db: withCurrent, outcome: 'undo' };
  }
  if (journal && existsSync(journalPath)) {
    throw new AppError('KEY_REJECTED', journalNeedsCurrentKey(state), {
      reason: 'rekey_needs_previous_key',
    });
  }
  const withPending = tryOpen(candidates.pending);
  if (withPending && candidates.pending) {
    return { rootKey: candidates.pending, db: withPending, outcome: 'finish' };
  }
  // No journal: the rekey committed or never started, so the file is whole
  // under one of the keys. The copy is not put back here: after the switch,
  // other files may already have moved to the new key.
  throw new AppError('KEY_REJECTED', missingKeyMessage(state, candidates), {
    reason: 'rekey_key_missing',
  });
}

function journalNeedsCurrentKey(state: ApplianceState): string {
  return (
    'A database rekey was interrupted while the database was being re-encrypted. ' +
    'It must be opened with the previous key first, which undoes the switch: ' +
    (state.keySetup.mode === 'file'
      ? 'restore the previous key file.'
      : 'set FLOWGENTO_DB_PASSPHRASE to the previous passphrase.')
  );
}

function missingKeyMessage(
  state: ApplianceState,
  found: { current: Buffer | undefined; pending: Buffer | undefined },
): string {
  const start =
    'A database rekey was interrupted and the database opens with neither key at hand. ';
  if (state.keySetup.mode === 'file') {
    return `${start}Restore the key file (or its .next sibling) from your backup.`;
  }
  if (!found.pending) {
    return (
      `${start}The database may already use the new passphrase: set ` +
      'FLOWGENTO_DB_PASSPHRASE (or FLOWGENTO_NEW_DB_PASSPHRASE) to it.'
    );
  }
  return `${start}Set FLOWGENTO_DB_PASSPHRASE to the previous passphrase.`;
}
