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

  const withCurrent = tryOpen(candidates.current);
  if (withCurrent && candidates.current) {
    return { rootKey: candidates.current, db: withCurrent, outcome: 'undo' };
  }
  const withPending = tryOpen(candidates.pending);
  if (withPending && candidates.pending) {
    return { rootKey: candidates.pending, db: withPending, outcome: 'finish' };
  }
  throw new AppError('KEY_REJECTED', missingKeyMessage(state, candidates), {
    reason: 'rekey_key_missing',
  });
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
