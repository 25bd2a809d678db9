// How the desktop app keeps the appliance's root key, decided at each start
// from what it recorded last time and what the OS offers now.
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { DamagedFileError, readJsonObject } from './desktop-files.ts';
import {
  type KeychainBackend,
  type SafeStorageLike,
  unwrapRootKey,
  wrapRootKey,
} from './keychain.ts';

/**
 * `key-storage.json` in the app's user-data folder. Never secret: the root key
 * in it is wrapped by the OS keychain; a passphrase is never stored.
 */
export type KeyStorageRecord =
  | { format: 1; method: 'keychain'; backend: string; wrappedRootKey: string }
  | { format: 1; method: 'passphrase'; backend: string };

export type KeyStorageMethod = KeyStorageRecord['method'];

export type KeyStorageDecision =
  /** First run: the wizard offers these; `whyNoKeychain` when the keychain is not one. */
  | { kind: 'choose'; offer: KeyStorageMethod[]; whyNoKeychain?: string }
  | {
      kind: 'unwrap-with-keychain';
      record: Extract<KeyStorageRecord, { method: 'keychain' }>;
    }
  | { kind: 'ask-passphrase' }
  /**
   * key-storage.json is gone but the data folder holds an appliance: never a
   * new key (the server would refuse it on every start). With `keychain`, the
   * admin types the root key from the recovery kit and it is wrapped again;
   * with `passphrase`, the passphrase is asked and the record written again.
   */
  | { kind: 'recover'; method: KeyStorageMethod }
  /** Start nothing; show `message`. */
  | { kind: 'refuse'; message: string };

/**
 * The decision. A key wrapped by one keychain backend is refused under
 * another rather than "recovered": the other backend cannot unwrap it, and
 * a silent switch (say from GNOME Keyring to plain text after a desktop
 * change) is exactly what would downgrade the key's protection unnoticed.
 */
export function decideKeyStorage(
  record: KeyStorageRecord | null,
  backend: KeychainBackend,
  /**
   * How the data folder's appliance was keyed (appliance.json), 'unknown'
   * when only its database is left, undefined when there is none.
   */
  existing?: 'file' | 'passphrase' | 'unknown',
): KeyStorageDecision {
  if (!record && existing === 'unknown') {
    return {
      kind: 'refuse',
      message:
        'The data folder holds an appliance (its database), but both key-storage.json ' +
        'and appliance.json, which say how its key is kept, are gone; a new key would ' +
        'not open it. Restore them from a backup, or restore the appliance with the ' +
        'recovery kit (`flowgento restore`).',
    };
  }
  if (!record && existing === 'passphrase')
    return { kind: 'recover', method: 'passphrase' };
  if (!record && existing === 'file') {
    return backend.usable
      ? { kind: 'recover', method: 'keychain' }
      : {
          kind: 'refuse',
          message:
            "The data folder holds an appliance whose key is not in this computer's " +
            `keychain, and ${backend.why ?? 'there is no usable keychain'}. Start it in ` +
            'a desktop session with a keyring, or run the server with the root key from ' +
            'the recovery kit in a 0600 file (`flowgento serve --key-file`).',
        };
  }
  if (!record) {
    return backend.usable
      ? { kind: 'choose', offer: ['keychain', 'passphrase'] }
      : { kind: 'choose', offer: ['passphrase'], whyNoKeychain: backend.why };
  }
  if (record.method === 'passphrase') return { kind: 'ask-passphrase' };

  if (record.backend !== backend.name) {
    return {
      kind: 'refuse',
      message:
        `The database key is kept in the ${describe(record.backend)}, but this session ` +
        `offers the ${describe(backend.name)}. The app does not start under another ` +
        'keychain. Start it in the desktop session you set it up in' +
        (backendFlag(record.backend)
          ? ` (or with --password-store=${backendFlag(record.backend)})`
          : '') +
        ', or restore the data with the recovery kit.',
    };
  }
  if (!backend.usable) {
    return {
      kind: 'refuse',
      message: backend.why ?? 'The OS keychain is not available.',
    };
  }
  return { kind: 'unwrap-with-keychain', record };
}

/** First run with the keychain: a new random root key, wrapped, and its record. */
export function createKeychainRecord(
  safeStorage: SafeStorageLike,
  backend: KeychainBackend,
): { rootKey: Buffer; record: KeyStorageRecord } {
  return wrapInKeychain(safeStorage, backend, randomBytes(32));
}

/** An existing root key (typed from the recovery kit), wrapped, and its record. */
export function wrapInKeychain(
  safeStorage: SafeStorageLike,
  backend: KeychainBackend,
  rootKey: Buffer,
): { rootKey: Buffer; record: KeyStorageRecord } {
  if (!backend.usable) throw new Error(backend.why ?? 'No usable keychain');
  const wrapped = wrapRootKey(safeStorage, rootKey);
  return {
    rootKey,
    record: {
      format: 1,
      method: 'keychain',
      backend: backend.name,
      wrappedRootKey: wrapped.toString('base64'),
    },
  };
}

export function unwrapRecord(
  safeStorage: SafeStorageLike,
  record: Extract<KeyStorageRecord, { method: 'keychain' }>,
): Buffer {
  return unwrapRootKey(safeStorage, Buffer.from(record.wrappedRootKey, 'base64'));
}

export function readKeyStorageRecord(path: string): KeyStorageRecord | null {
  if (!existsSync(path)) return null;
  const whatToDo =
    "restore it from a backup, or remove it and start again to type the recovery kit's key.";
  const value = readJsonObject(path, whatToDo) as Partial<KeyStorageRecord>;
  const valid =
    value.format === 1 &&
    typeof value.backend === 'string' &&
    (value.method === 'passphrase' ||
      (value.method === 'keychain' && typeof value.wrappedRootKey === 'string'));
  if (!valid) throw new DamagedFileError(path, whatToDo);
  return value as KeyStorageRecord;
}

/** Written once at first run (0600, replaced whole), never rewritten by a later start. */
export function writeKeyStorageRecord(path: string, record: KeyStorageRecord): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  renameSync(partial, path);
}

function describe(backend: string): string {
  const names: Record<string, string> = {
    gnome_libsecret: 'GNOME Keyring (libsecret)',
    kwallet: 'KWallet',
    kwallet5: 'KWallet 5',
    kwallet6: 'KWallet 6',
    basic_text: 'plain-text store (no keyring service)',
    macos_keychain: 'macOS Keychain',
    windows_dpapi: 'Windows data protection (DPAPI)',
  };
  return names[backend] ?? `"${backend}" keychain`;
}

/** Chromium's --password-store value that selects a Linux backend. */
function backendFlag(backend: string): string | null {
  const flags: Record<string, string> = {
    gnome_libsecret: 'gnome-libsecret',
    kwallet: 'kwallet',
    kwallet5: 'kwallet5',
    kwallet6: 'kwallet6',
  };
  return flags[backend] ?? null;
}
