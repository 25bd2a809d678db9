import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';

/** A bearer token of `/metrics`, as listed: never the token itself. */
export interface MetricsTokenRecord {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

interface TokenRow {
  id: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

const toRecord = (row: TokenRow): MetricsTokenRecord => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

/**
 * The operator's tokens for scraping `/metrics`, stored by their SHA-256
 * only. A system repository: metrics describe the appliance, not a
 * workspace.
 */
export class MetricsTokenRepo {
  constructor(private readonly store: Store) {}

  create(name: string, tokenHash: string): MetricsTokenRecord {
    const id = newId();
    this.store
      .statement(
        `INSERT INTO metrics_tokens (id, name, token_hash, created_at)
         VALUES (?, ?, ?, ?)`,
      )
      .run(id, name, tokenHash, this.store.clock.now());
    const created = this.get(id);
    if (!created) throw new Error('Metrics token vanished after insert');
    return created;
  }

  get(id: string): MetricsTokenRecord | undefined {
    const row = this.store
      .statement(
        'SELECT id, name, created_at, last_used_at FROM metrics_tokens WHERE id = ?',
      )
      .get(id) as TokenRow | undefined;
    return row && toRecord(row);
  }

  list(): MetricsTokenRecord[] {
    const rows = this.store
      .statement(
        `SELECT id, name, created_at, last_used_at FROM metrics_tokens
         ORDER BY created_at, id`,
      )
      .all() as TokenRow[];
    return rows.map(toRecord);
  }

  /** The token with this hash, if one exists. */
  findByHash(tokenHash: string): MetricsTokenRecord | undefined {
    const row = this.store
      .statement(
        `SELECT id, name, created_at, last_used_at FROM metrics_tokens
         WHERE token_hash = ?`,
      )
      .get(tokenHash) as TokenRow | undefined;
    return row && toRecord(row);
  }

  touch(id: string, at: number): void {
    this.store
      .statement('UPDATE metrics_tokens SET last_used_at = ? WHERE id = ?')
      .run(at, id);
  }

  /** Forgets a token; false when there was none with that id. */
  remove(id: string): boolean {
    return (
      this.store.statement('DELETE FROM metrics_tokens WHERE id = ?').run(id).changes ===
      1
    );
  }
}
