// Electron's safeStorage, judged: which OS keychain it would use and whether
// that keeps a key secret at all. Plain functions so Node tests can run them.

/** The part of Electron's `safeStorage` the app uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text', 'gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6', 'unknown'. */
  getSelectedStorageBackend?(): string;
}

export interface KeychainBackend {
  /** What safeStorage wraps with, recorded so a later start can compare. */
  name: string;
  /** False when it would keep the key readable by anyone with the file. */
  usable: boolean;
  /** Said to the admin when it is not usable. */
  why?: string;
}

/** Backends that only obscure: Chromium's fixed, hard-coded key ("peanuts"). */
const PLAIN_TEXT_BACKENDS = new Set(['basic_text', 'unknown']);

/**
 * Which keychain safeStorage would use here. On Linux, `basic_text` means no
 * keyring service answered (no GNOME Keyring or KWallet in this session):
 * safeStorage then still "encrypts", with a key written in Chromium's source,
 * so it counts as no keychain. Signal-Desktop refuses it for the same reason.
 */
export function keychainBackend(
  platform: NodeJS.Platform,
  safeStorage: SafeStorageLike,
): KeychainBackend {
  if (platform === 'linux') {
    const name = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (PLAIN_TEXT_BACKENDS.has(name) || !safeStorage.isEncryptionAvailable()) {
      return {
        name,
        usable: false,
        why:
          'This desktop session has no keyring service (GNOME Keyring or KWallet), so ' +
          'the OS would keep the database key in plain text. Choose a passphrase ' +
          'instead: the key is then derived from it at every start and stored nowhere.',
      };
    }
    return { name, usable: true };
  }
  const name =
    platform === 'darwin'
      ? 'macos_keychain'
      : platform === 'win32'
        ? 'windows_dpapi'
        : platform;
  if (!safeStorage.isEncryptionAvailable()) {
    return {
      name,
      usable: false,
      why: 'The operating system offers no keychain to this app; choose a passphrase.',
    };
  }
  return { name, usable: true };
}

/** Wraps the 32-byte root key with the OS keychain; the result is safe to store. */
export function wrapRootKey(safeStorage: SafeStorageLike, rootKey: Buffer): Buffer {
  return safeStorage.encryptString(rootKey.toString('hex'));
}

export class KeychainError extends Error {
  override readonly name = 'KeychainError';
}

/** Unwraps what `wrapRootKey` stored; a keychain that refuses or returns junk throws. */
export function unwrapRootKey(safeStorage: SafeStorageLike, wrapped: Buffer): Buffer {
  let hex: string;
  try {
    hex = safeStorage.decryptString(wrapped);
  } catch (error) {
    throw new KeychainError(
      'The OS keychain would not unwrap the database key (it may be locked, or the ' +
        'entry was removed). Unlock it and start again, or restore with the recovery kit.',
      { cause: error },
    );
  }
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new KeychainError('The key the OS keychain returned is not a database key.');
  }
  return Buffer.from(hex, 'hex');
}
