import type { Store } from '../store.ts';

/**
 * Every column that holds a wrapped secret. Key rotation walks this list, so a
 * new secret column belongs here, or rotation would leave it behind.
 */
const WRAPPED_TABLES = {
  whatsapp_numbers: {
    id: 'id',
    columns: ['access_token_wrapped', 'app_secret_wrapped', 'verify_token_wrapped'],
  },
  // A person's TOTP secret, and the one waiting to be confirmed (either may be empty).
  two_factor: { id: 'user_id', columns: ['secret_wrapped', 'pending_wrapped'] },
  // The secret key of an S3-compatible storage provider (migration 011).
  storage_providers: { id: 'id', columns: ['secret_access_key_wrapped'] },
  // Each media file's own key (migration 014); the AAD is `media/<id>/key`.
  media: { id: 'id', columns: ['key_wrapped'] },
  // The key every backup object is sealed with (migration 016).
  backup_keys: { id: 'id', columns: ['key_wrapped'] },
  // The key that pseudonymises contacts in the access log (migration 050).
  access_log_keys: { id: 'workspace_id', columns: ['key_wrapped'] },
} as const;

type Table = keyof typeof WRAPPED_TABLES;
type Column = (typeof WRAPPED_TABLES)[Table]['columns'][number];

/** One stored secret: where it lives and the label its blob is bound to. */
export interface WrappedSecret {
  table: Table;
  rowId: string;
  column: Column;
  /** e.g. `whatsapp_numbers/<id>/access_token`, the AAD the blob was wrapped with. */
  aad: string;
  blob: Buffer;
}

/** Reads and replaces wrapped secrets across tables, for key rotation only. */
export class WrappedSecretsRepo {
  constructor(private readonly store: Store) {}

  all(): WrappedSecret[] {
    const found: WrappedSecret[] = [];
    for (const [table, { id, columns }] of Object.entries(WRAPPED_TABLES) as [
      Table,
      { id: string; columns: readonly Column[] },
    ][]) {
      const rows = this.store
        .statement(
          `SELECT ${id} AS id, ${columns.join(', ')} FROM ${table} ORDER BY ${id}`,
        )
        .all() as Record<string, Buffer | string | null>[];
      for (const row of rows) {
        const rowId = String(row['id']);
        for (const column of columns) {
          const blob = row[column];
          if (!Buffer.isBuffer(blob)) continue;
          const field = column.replace(/_wrapped$/, '');
          found.push({ table, rowId, column, aad: `${table}/${rowId}/${field}`, blob });
        }
      }
    }
    return found;
  }

  replace(secret: Pick<WrappedSecret, 'table' | 'rowId' | 'column'>, blob: Buffer): void {
    const { id, columns } = WRAPPED_TABLES[secret.table];
    // Names come from the fixed list above, never from input; checked anyway.
    if (!(columns as readonly string[]).includes(secret.column))
      throw new Error('Not a wrapped secret column');
    const result = this.store
      .statement(`UPDATE ${secret.table} SET ${secret.column} = ? WHERE ${id} = ?`)
      .run(blob, secret.rowId);
    if (result.changes !== 1) throw new Error(`No ${secret.table} row ${secret.rowId}`);
  }
}
