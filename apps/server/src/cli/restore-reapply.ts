import { AuditLog } from '@flowgento/audit';
import { countRows, type Reapplied } from '@flowgento/backup';
import { AppError, systemClock } from '@flowgento/core';
import { ContactErasureService } from '@flowgento/messaging';
import {
  migrate,
  openEncryptedDatabase,
  Store,
  type ContactVault,
} from '@flowgento/store';

/**
 * The erasure ledger re-applied on a rebuilt database file, inside `restore`
 * itself (issue 8): before its final check and before any swap, so a
 * restored folder never holds an erased contact's rows, whatever opens it
 * first. The vault is only read (it may be the live appliance's). Returns
 * how many contacts were erased again and how each counted table changed,
 * having checked that change against what the erasures said they removed.
 * The appliance's start re-applies the ledger again, as a second line.
 */
export function ledgerReapply(
  vault: ContactVault,
): (path: string, databaseKey: Buffer) => Promise<Reapplied> {
  return async (path, databaseKey) => {
    const db = openEncryptedDatabase({ path, key: databaseKey, mustExist: true });
    try {
      // The erasure's queries are this build's: a point from before an
      // upgrade gets the schema the appliance would give it at start.
      migrate(db);
      const store = new Store(db);
      store.contactKeys = vault;
      const before = countRows(db);
      const service = new ContactErasureService(
        store,
        new AuditLog(store),
        vault,
        systemClock,
        undefined,
        () => db.pragma('wal_checkpoint(TRUNCATE)'),
      );
      const erased = await service.reapplyLedger({ vaultUntouched: true });
      const after = countRows(db);
      const rowChanges = Object.fromEntries(
        Object.entries(after).map(([table, n]) => [table, n - (before[table] ?? 0)]),
      );
      const said: Record<string, number> = {
        contacts: -erased.length,
        conversations: -erased.reduce((sum, e) => sum + e.conversations, 0),
        messages: -erased.reduce((sum, e) => sum + e.messages, 0),
        // One contact.erased entry each.
        audit_log: erased.length,
      };
      for (const [table, change] of Object.entries(said)) {
        if (rowChanges[table] !== change) {
          throw new AppError(
            'INTERNAL',
            `The erasure ledger re-apply changed ${table} by ${rowChanges[table]} ` +
              `rows, its erasures say ${change}`,
            { reason: 'restore_count_mismatch' },
          );
        }
      }
      return { erasures: erased.length, rowChanges };
    } finally {
      db.close();
    }
  };
}
