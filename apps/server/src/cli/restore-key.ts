import { readFileSync } from 'node:fs';
import { parseKitKey } from '@flowgento/backup';
import { AppError } from '@flowgento/core';

/** Where `restore --to` takes the backup key from, as the operator gave it. */
export interface BackupKeyFlags {
  /** The key as typed from the recovery kit (groups and checksum). */
  kitKey: string | undefined;
  /** A file of 64 hex characters (scripts, tests). */
  backupKeyFile: string | undefined;
}

/**
 * The backup key from the kit or a key file, checked before anything is
 * opened or written: a typo in the kit key is refused with the kit's own
 * checksum error. Undefined when neither is given, for the live appliance's
 * own backup key service to supply it.
 */
export function backupKeyFromFlags(flags: BackupKeyFlags): Buffer | undefined {
  if (flags.kitKey !== undefined && flags.backupKeyFile !== undefined) {
    throw new AppError(
      'INVALID_INPUT',
      'Give the backup key once: --kit-key or --backup-key-file, not both',
      { reason: 'backup_key_twice' },
    );
  }
  if (flags.kitKey !== undefined) return parseKitKey(flags.kitKey);
  if (flags.backupKeyFile !== undefined) return readBackupKeyFile(flags.backupKeyFile);
  return undefined;
}

/** What a restore needs that no appliance can supply: said before any work. */
export function backupKeyRequired(): AppError {
  return new AppError(
    'INVALID_INPUT',
    'This data folder holds no appliance, so the backup key must be given: ' +
      '--kit-key "<the BACKUP KEY of the recovery kit>" (or --backup-key-file)',
    { reason: 'backup_key_required' },
  );
}

function readBackupKeyFile(path: string): Buffer {
  const fail = () =>
    new AppError(
      'INVALID_INPUT',
      '--backup-key-file must name a file holding the 32-byte backup key as 64 hex characters',
      { reason: 'backup_key_invalid' },
    );
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    throw fail();
  }
  if (!/^[0-9a-f]{64}$/i.test(text)) throw fail();
  return Buffer.from(text, 'hex');
}
