import { hkdfSync } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '@flowgento/core';
import { openOrCreateKeyFile, readKeyFile, ROOT_KEY_BYTES } from './key-file.ts';
import { createPassphraseKey, derivePassphraseKey } from './key-passphrase.ts';
import {
  assertKeySetup,
  keyCheck,
  type CheckedKeySetup,
  matchesKeyCheck,
  type KdfSetup,
  type KeySetup,
} from './key-setup.ts';

export type { KdfSetup, KeySetup };

/** What a subkey is for; each purpose gets an independent key from the root. */
export type KeyPurpose = 'database' | 'secrets' | 'tls' | 'backup';

export interface ResolveRootKeyInput {
  /** The setup stored in appliance.json; undefined on first start, which creates one. */
  existing: KeySetup | undefined;
  /** Where the key file lives in 'file' mode. */
  keyFilePath: string;
  /** FLOWGENTO_DB_PASSPHRASE; non-empty on first start, it selects 'passphrase' mode. */
  passphrase: string | undefined;
  /**
   * A root key handed over by the process that started this one (the desktop
   * app, which keeps it wrapped by the OS keychain). It stands in for the key
   * file: 'file' mode, but nothing is read from or written to disk.
   */
  handedOverRootKey?: Buffer;
  /**
   * Where `passphrase` came from, so a refusal names what the operator
   * actually did: the variable, or the desktop app's unlock window.
   * Default: the environment.
   */
  passphraseFrom?: 'environment' | 'desktop-app';
}

export interface ResolvedRootKey {
  rootKey: Buffer;
  setup: KeySetup;
  /** True on first start: `setup` is new and the caller must persist it. */
  created: boolean;
}

// Installation ids become file names; anything else could escape the keys folder.
const SAFE_INSTALLATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `${XDG_CONFIG_HOME or ~/.config}/flowgento/keys/<installationId>.key` */
export function defaultKeyFilePath(installationId: string): string {
  if (!SAFE_INSTALLATION_ID.test(installationId)) {
    throw new AppError('INVALID_INPUT', 'The installation id is not a valid file name', {
      reason: 'installation_id_invalid',
    });
  }
  // The XDG base directory spec says a relative XDG_CONFIG_HOME must be ignored.
  const xdg = process.env['XDG_CONFIG_HOME'];
  const configHome =
    xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.config');
  return path.join(configHome, 'flowgento', 'keys', `${installationId}.key`);
}

/**
 * Produces the root key of the encrypted database: creates it on first start
 * and, on later starts, refuses with KEY_REJECTED any key that does not match
 * the stored check. Messages name files and variables, never key material.
 */
export async function resolveRootKey(
  input: ResolveRootKeyInput,
): Promise<ResolvedRootKey> {
  // `FLOWGENTO_DB_PASSPHRASE=` leaves an empty string behind; it means "not set".
  const passphrase = input.passphrase ? input.passphrase : undefined;
  if (input.handedOverRootKey) return takeHandedOver(input, passphrase);
  if (input.existing === undefined) return createRootKey(input.keyFilePath, passphrase);

  const setup = assertKeySetup(input.existing);
  const fromApp = input.passphraseFrom === 'desktop-app';
  const rootKey =
    setup.mode === 'file'
      ? openWithKeyFile(setup, input.keyFilePath, passphrase, fromApp)
      : await openWithPassphrase(setup, passphrase, fromApp);
  return { rootKey, setup, created: false };
}

/**
 * HKDF-SHA256 of the root key for one purpose, salted with the installation
 * id, so that two appliances never share a subkey and a leak of one subkey
 * (say the secrets key) reveals neither the root nor the database key.
 */
export function deriveSubkey(
  rootKey: Buffer,
  purpose: KeyPurpose,
  installationId: string,
): Buffer {
  if (rootKey.length !== ROOT_KEY_BYTES || installationId === '') {
    const message = 'A subkey needs a 32-byte root key and an installation id';
    throw new AppError('INTERNAL', message, { reason: 'subkey_input_invalid' });
  }
  const info = `flowgento ${purpose} v1`;
  return Buffer.from(hkdfSync('sha256', rootKey, installationId, info, ROOT_KEY_BYTES));
}

function takeHandedOver(
  input: ResolveRootKeyInput,
  passphrase: string | undefined,
): ResolvedRootKey {
  const rootKey = input.handedOverRootKey!;
  if (rootKey.length !== ROOT_KEY_BYTES) {
    throw rejected(
      'The handed-over root key is not 32 bytes long',
      'key_handoff_invalid',
    );
  }
  // Two sources for one key: refuse rather than guess which the operator meant.
  if (passphrase !== undefined) {
    throw rejected(
      'The desktop app handed over the key; unset FLOWGENTO_DB_PASSPHRASE',
      'key_mode_mismatch',
    );
  }
  if (input.existing === undefined) {
    return { rootKey, setup: { mode: 'file', check: keyCheck(rootKey) }, created: true };
  }
  const setup = assertKeySetup(input.existing);
  if (setup.mode !== 'file') {
    throw rejected(
      'This appliance was set up with a passphrase, not a key held by the desktop app',
      'key_mode_mismatch',
    );
  }
  if (!matchesKeyCheck(rootKey, setup.check)) {
    throw rejected(
      'The key the desktop app handed over does not belong to this appliance: its key ' +
        'check does not match.',
      'key_check_mismatch',
    );
  }
  return { rootKey, setup, created: false };
}

async function createRootKey(
  keyFilePath: string,
  passphrase: string | undefined,
): Promise<ResolvedRootKey> {
  if (passphrase !== undefined) {
    const { rootKey, kdf } = await createPassphraseKey(passphrase);
    return {
      rootKey,
      setup: { mode: 'passphrase', kdf, check: keyCheck(rootKey) },
      created: true,
    };
  }
  const { rootKey } = openOrCreateKeyFile(keyFilePath);
  return { rootKey, setup: { mode: 'file', check: keyCheck(rootKey) }, created: true };
}

function openWithKeyFile(
  setup: CheckedKeySetup,
  keyFilePath: string,
  passphrase: string | undefined,
  fromApp: boolean,
): Buffer {
  if (passphrase !== undefined && fromApp) {
    throw rejected(
      "This appliance's key is not derived from a passphrase: it is held by the " +
        "desktop app's keychain (or a key file). Start the app in the desktop session " +
        "it was set up in, or bring the key back with the recovery kit's root key.",
      'key_mode_mismatch',
    );
  }
  // Silently ignoring the variable would let an operator believe it protects the data.
  if (passphrase !== undefined) {
    throw rejected(
      `This appliance was set up with a key file (${keyFilePath}), not a passphrase; ` +
        'unset FLOWGENTO_DB_PASSPHRASE',
      'key_mode_mismatch',
    );
  }
  const rootKey = readKeyFile(keyFilePath);
  if (!matchesKeyCheck(rootKey, setup.check)) {
    throw rejected(
      `The key file ${keyFilePath} does not belong to this appliance: its key check ` +
        'does not match. Use the key file this appliance was last set up or rekeyed ' +
        'with (after `keys rekey-database`, the new one), restoring it from your backup ' +
        'if it is lost.',
      'key_check_mismatch',
    );
  }
  return rootKey;
}

async function openWithPassphrase(
  setup: Extract<CheckedKeySetup, { mode: 'passphrase' }>,
  passphrase: string | undefined,
  fromApp: boolean,
): Promise<Buffer> {
  if (passphrase === undefined) {
    throw rejected(
      'The database is locked: this appliance was set up with a passphrase; ' +
        'set FLOWGENTO_DB_PASSPHRASE',
      'passphrase_missing',
    );
  }
  const rootKey = await derivePassphraseKey(passphrase, setup.kdf);
  if (!matchesKeyCheck(rootKey, setup.check)) {
    throw rejected(
      (fromApp
        ? 'The passphrase typed in the desktop app'
        : 'FLOWGENTO_DB_PASSPHRASE is set, but the passphrase') +
        ' does not match the one this appliance was set up with',
      'passphrase_mismatch',
    );
  }
  return rootKey;
}

function rejected(message: string, reason: string): AppError {
  return new AppError('KEY_REJECTED', message, { reason });
}
