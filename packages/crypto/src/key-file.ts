import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@flowgento/core';
import { ensurePrivateDir, isErrorCode, writeFileExclusive } from './files.ts';

/**
 * The root key kept in a file outside the data folder: 64 hex characters and
 * a newline, readable by the owner only. A copy of the data folder alone (a
 * backup, a stolen disk image of the share) is then not enough to read it.
 */
export const ROOT_KEY_BYTES = 32;
const KEY_FILE_CONTENT = /^([0-9a-fA-F]{64})\r?\n?$/;
const MAX_KEY_FILE_BYTES = 256;
const GROUP_OR_OTHER_ACCESS = 0o077;

/**
 * First start in file mode: reuses a key file already at `keyFilePath` (for
 * instance one restored before a reinstall) when it is valid, and otherwise
 * creates one. An existing file is never overwritten, even when it is bad.
 */
export function openOrCreateKeyFile(keyFilePath: string): {
  rootKey: Buffer;
  createdFile: boolean;
} {
  if (fs.existsSync(keyFilePath))
    return { rootKey: readKeyFile(keyFilePath), createdFile: false };

  const rootKey = randomBytes(ROOT_KEY_BYTES);
  try {
    ensurePrivateDir(path.dirname(keyFilePath));
    writeFileExclusive(keyFilePath, `${rootKey.toString('hex')}\n`, 0o600);
  } catch (error) {
    // Another process created it since the check above; theirs wins, ours is discarded.
    if (isErrorCode(error, 'EEXIST')) {
      return { rootKey: readKeyFile(keyFilePath), createdFile: false };
    }
    throw rejected(
      `The key file ${keyFilePath} could not be written`,
      'key_file_unwritable',
      error,
    );
  }
  return { rootKey, createdFile: true };
}

/** Reads the root key, refusing a key file that is missing, exposed or malformed. */
export function readKeyFile(keyFilePath: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(keyFilePath, 'r');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) {
      throw rejected(
        `The key file ${keyFilePath} is missing: the database cannot be opened ` +
          'without it; a new key would not open the existing data. ' +
          'Restore the key file from your backup.',
        'key_file_missing',
      );
    }
    throw rejected(
      `The key file ${keyFilePath} cannot be read`,
      'key_file_unreadable',
      error,
    );
  }
  try {
    return readOpenKeyFile(fd, keyFilePath);
  } finally {
    fs.closeSync(fd);
  }
}

function readOpenKeyFile(fd: number, keyFilePath: string): Buffer {
  // Judged on the open descriptor, so the file checked is the file read.
  const stat = fs.fstatSync(fd);
  if (!stat.isFile() || stat.size > MAX_KEY_FILE_BYTES) throw malformed(keyFilePath);

  // Like ssh with a private key: a key others can read may already be copied.
  if (hasPosixPermissions() && (stat.mode & GROUP_OR_OTHER_ACCESS) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw rejected(
      `Permissions ${mode} for the key file ${keyFilePath} are too open: other users ` +
        `could read the database key. Run: chmod 600 ${keyFilePath}`,
      'key_file_exposed',
    );
  }

  const match = KEY_FILE_CONTENT.exec(fs.readFileSync(fd, 'utf8'));
  if (!match?.[1]) throw malformed(keyFilePath);
  return Buffer.from(match[1], 'hex');
}

// Windows mode bits do not reflect its ACLs, so there is nothing useful to check.
function hasPosixPermissions(): boolean {
  return process.platform !== 'win32';
}

function malformed(keyFilePath: string): AppError {
  return rejected(
    `The key file ${keyFilePath} is malformed: it must hold exactly 64 hexadecimal ` +
      'characters. Restore it from your backup.',
    'key_file_malformed',
  );
}

function rejected(message: string, reason: string, cause?: unknown): AppError {
  return new AppError('KEY_REJECTED', message, { reason, cause });
}
