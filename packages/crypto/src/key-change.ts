import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@flowgento/core';
import { ensurePrivateDir, writeFileExclusive } from './files.ts';
import { readKeyFile, ROOT_KEY_BYTES } from './key-file.ts';
import { createPassphraseKey, derivePassphraseKey } from './key-passphrase.ts';
import { assertKeySetup, keyCheck, matchesKeyCheck, type KeySetup } from './key-setup.ts';

/**
 * Changing the root key (a database rekey) in steps that survive a crash: the
 * new key file is written beside the current one as `<key file>.next` and
 * moved into place only once the database opens with it.
 */
export function nextKeyFilePath(keyFilePath: string): string {
  return `${keyFilePath}.next`;
}

/**
 * A new root key in the same mode as `current`. In file mode it is written to
 * `<key file>.next` (replacing a leftover from an earlier attempt that never
 * got as far as being recorded); in passphrase mode it comes from
 * `newPassphrase`, under a fresh salt.
 */
export async function createNextRootKey(input: {
  current: KeySetup;
  keyFilePath: string;
  newPassphrase: string | undefined;
}): Promise<{ rootKey: Buffer; setup: KeySetup }> {
  const current = assertKeySetup(input.current);
  if (current.mode === 'passphrase') {
    if (!input.newPassphrase) {
      throw new AppError(
        'INVALID_INPUT',
        'Set FLOWGENTO_NEW_DB_PASSPHRASE to the new passphrase (and ' +
          'FLOWGENTO_DB_PASSPHRASE to the current one)',
        { reason: 'new_passphrase_missing' },
      );
    }
    const { rootKey, kdf } = await createPassphraseKey(input.newPassphrase);
    return { rootKey, setup: { mode: 'passphrase', kdf, check: keyCheck(rootKey) } };
  }
  if (input.newPassphrase) {
    throw new AppError(
      'INVALID_INPUT',
      'This appliance uses a key file, and a rekey makes a new key file: unset ' +
        'FLOWGENTO_NEW_DB_PASSPHRASE (switching to a passphrase is not supported)',
      { reason: 'key_mode_mismatch' },
    );
  }
  const rootKey = randomBytes(ROOT_KEY_BYTES);
  const next = nextKeyFilePath(input.keyFilePath);
  ensurePrivateDir(path.dirname(next));
  fs.rmSync(next, { force: true });
  writeFileExclusive(next, `${rootKey.toString('hex')}\n`, 0o600);
  return { rootKey, setup: { mode: 'file', check: keyCheck(rootKey) } };
}

/** The root keys at hand that match the current and the pending setup. */
export interface RootKeyCandidates {
  current: Buffer | undefined;
  pending: Buffer | undefined;
}

/**
 * Finds which of the keys the operator supplied (the key file and its `.next`
 * sibling, or the passphrases) belong to the current and to the pending setup.
 */
export async function findRootKeyCandidates(input: {
  current: KeySetup;
  pending: KeySetup;
  keyFilePath: string;
  passphrases: (string | undefined)[];
}): Promise<RootKeyCandidates> {
  const current = assertKeySetup(input.current);
  const pending = assertKeySetup(input.pending);
  const keys: Buffer[] = [];
  if (current.mode === 'file') {
    for (const file of [input.keyFilePath, nextKeyFilePath(input.keyFilePath)]) {
      if (fs.existsSync(file)) keys.push(readKeyFile(file));
    }
  } else if (pending.mode === 'passphrase') {
    for (const passphrase of new Set(input.passphrases.filter((p) => !!p))) {
      for (const kdf of [current.kdf, pending.kdf]) {
        keys.push(await derivePassphraseKey(passphrase as string, kdf));
      }
    }
  }
  return {
    current: keys.find((key) => matchesKeyCheck(key, current.check)),
    pending: keys.find((key) => matchesKeyCheck(key, pending.check)),
  };
}

/** Moves `<key file>.next` over the key file, when it is still there. */
export function promoteNextKeyFile(keyFilePath: string): void {
  const next = nextKeyFilePath(keyFilePath);
  if (!fs.existsSync(next)) return;
  // A rename replaces the file in one step: the old key or the new, never neither.
  fs.renameSync(next, keyFilePath);
}

/** Removes `<key file>.next` left by a rekey that is being undone. */
export function discardNextKeyFile(keyFilePath: string): void {
  fs.rmSync(nextKeyFilePath(keyFilePath), { force: true });
}
