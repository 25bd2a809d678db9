import { isAppError } from '@flowgento/core';
import { openEncryptedDatabase, schemaVersion } from '@flowgento/store';
import { verifySnapshot } from './create-backup.ts';
import type { VerifyThreadOutput } from './verify-thread.ts';

/**
 * Checks one snapshot file on its own connection: integrity, row counts and
 * schema version. What a checking thread or process sends back.
 */
export function checkSnapshotFile(path: string, key: Buffer): VerifyThreadOutput {
  try {
    const rowCounts = verifySnapshot(path, key);
    const db = openEncryptedDatabase({ path, key, mustExist: true, readonly: true });
    const version = schemaVersion(db);
    db.close();
    return { ok: true, facts: { rowCounts, schemaVersion: version } };
  } catch (error) {
    return {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      reason: isAppError(error) ? error.reason : undefined,
    };
  }
}
