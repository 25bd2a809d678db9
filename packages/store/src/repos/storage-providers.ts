import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';

export type StoragePreset = 'r2' | 'e2' | 's3-compatible';

/** A saved S3-compatible provider; the secret key only as its sealed blob. */
export interface StorageProviderRecord {
  id: string;
  name: string;
  preset: StoragePreset;
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKeyWrapped: Buffer;
  verifiedAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface StorageProviderWrite {
  name: string;
  preset: StoragePreset;
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  /** Receives the row id, so the sealed secret is bound to its row. */
  wrapSecretAccessKey: (rowId: string) => Buffer;
  verifiedAt: number;
}

interface StorageProviderRow {
  id: string;
  name: string;
  preset: StoragePreset;
  endpoint: string;
  region: string;
  bucket: string;
  access_key_id: string;
  secret_access_key_wrapped: Buffer;
  verified_at: number;
  created_at: number;
  updated_at: number;
}

const toRecord = (row: StorageProviderRow): StorageProviderRecord => ({
  id: row.id,
  name: row.name,
  preset: row.preset,
  endpoint: row.endpoint,
  region: row.region,
  bucket: row.bucket,
  accessKeyId: row.access_key_id,
  secretAccessKeyWrapped: row.secret_access_key_wrapped,
  verifiedAt: row.verified_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * The appliance's storage providers. A system repository: providers belong
 * to the appliance, and which workspace's media goes where is decided above
 * this layer.
 */
export class StorageProviderRepo {
  constructor(private readonly store: Store) {}

  list(): StorageProviderRecord[] {
    const rows = this.store
      .statement('SELECT * FROM storage_providers ORDER BY created_at, id')
      .all() as StorageProviderRow[];
    return rows.map(toRecord);
  }

  get(id: string): StorageProviderRecord | undefined {
    const row = this.store
      .statement('SELECT * FROM storage_providers WHERE id = ?')
      .get(id) as StorageProviderRow | undefined;
    return row && toRecord(row);
  }

  /** True when another provider than `exceptId` already has this name. */
  nameTaken(name: string, exceptId?: string): boolean {
    return (
      this.store
        .statement('SELECT 1 FROM storage_providers WHERE name = ? AND id IS NOT ?')
        .get(name, exceptId ?? null) !== undefined
    );
  }

  /** Creates a provider, or replaces every setting of the one with `existingId`. */
  save(write: StorageProviderWrite, existingId?: string): StorageProviderRecord {
    const id = existingId ?? newId();
    const now = this.store.clock.now();
    const values = [
      write.name,
      write.preset,
      write.endpoint,
      write.region,
      write.bucket,
      write.accessKeyId,
      write.wrapSecretAccessKey(id),
      write.verifiedAt,
    ];
    if (existingId) {
      const result = this.store
        .statement(
          `UPDATE storage_providers SET name = ?, preset = ?, endpoint = ?, region = ?,
             bucket = ?, access_key_id = ?, secret_access_key_wrapped = ?,
             verified_at = ?, updated_at = ?
           WHERE id = ?`,
        )
        .run(...values, now, id);
      if (result.changes !== 1) throw new Error('Storage provider not found');
    } else {
      this.store
        .statement(
          `INSERT INTO storage_providers (name, preset, endpoint, region, bucket,
             access_key_id, secret_access_key_wrapped, verified_at, created_at,
             updated_at, id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...values, now, now, id);
    }
    const saved = this.get(id);
    if (!saved) throw new Error('Storage provider vanished after save');
    return saved;
  }

  /** Forgets a provider; false when there was none with that id. */
  remove(id: string): boolean {
    return (
      this.store.statement('DELETE FROM storage_providers WHERE id = ?').run(id)
        .changes === 1
    );
  }
}
