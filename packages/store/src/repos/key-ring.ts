import type { Store } from '../store.ts';

/** One master key of the ring; `wrappedKey` is null once it is retired. */
export interface KeyRingEntry {
  id: string;
  wrappedKey: Buffer | null;
  wrappedKeyNext: Buffer | null;
  createdAt: number;
  retiredAt: number | null;
}

interface KeyRingRow {
  id: string;
  wrapped_key: Buffer | null;
  wrapped_key_next: Buffer | null;
  created_at: number;
  retired_at: number | null;
}

const toEntry = (row: KeyRingRow): KeyRingEntry => ({
  id: row.id,
  wrappedKey: row.wrapped_key,
  wrappedKeyNext: row.wrapped_key_next,
  createdAt: row.created_at,
  retiredAt: row.retired_at,
});

/** The master keys that wrap stored secrets. Holds wrapped material only. */
export class KeyRingRepo {
  constructor(private readonly store: Store) {}

  get(id: string): KeyRingEntry | undefined {
    const row = this.store
      .statement(`SELECT * FROM key_ring WHERE purpose = 'secrets' AND id = ?`)
      .get(id) as KeyRingRow | undefined;
    return row && toEntry(row);
  }

  active(): KeyRingEntry | undefined {
    const row = this.store
      .statement(
        `SELECT * FROM key_ring WHERE purpose = 'secrets' AND retired_at IS NULL`,
      )
      .get() as KeyRingRow | undefined;
    return row && toEntry(row);
  }

  all(): KeyRingEntry[] {
    const rows = this.store
      .statement(
        `SELECT * FROM key_ring WHERE purpose = 'secrets' ORDER BY created_at, id`,
      )
      .all() as KeyRingRow[];
    return rows.map(toEntry);
  }

  add(id: string, wrappedKey: Buffer): void {
    this.store
      .statement(
        `INSERT INTO key_ring (id, purpose, wrapped_key, created_at)
         VALUES (?, 'secrets', ?, ?)`,
      )
      .run(id, wrappedKey, this.store.clock.now());
  }

  /** Marks the key retired and erases its material. */
  retire(id: string): void {
    const result = this.store
      .statement(
        `UPDATE key_ring SET wrapped_key = NULL, wrapped_key_next = NULL, retired_at = ?
         WHERE id = ? AND retired_at IS NULL`,
      )
      .run(this.store.clock.now(), id);
    if (result.changes !== 1) throw new Error(`Master key ${id} is not active`);
  }

  /** Keeps a copy of an active key wrapped for the next root key. */
  stageNext(id: string, wrappedKeyNext: Buffer): void {
    const result = this.store
      .statement(
        `UPDATE key_ring SET wrapped_key_next = ? WHERE id = ? AND retired_at IS NULL`,
      )
      .run(wrappedKeyNext, id);
    if (result.changes !== 1) throw new Error(`Master key ${id} is not active`);
  }

  /** Makes every staged copy the current one; returns how many there were. */
  promoteNext(): number {
    return this.store
      .statement(
        `UPDATE key_ring SET wrapped_key = wrapped_key_next, wrapped_key_next = NULL
         WHERE wrapped_key_next IS NOT NULL`,
      )
      .run().changes;
  }

  /** Drops every staged copy (an interrupted rekey is being undone). */
  discardNext(): number {
    return this.store
      .statement(
        `UPDATE key_ring SET wrapped_key_next = NULL WHERE wrapped_key_next IS NOT NULL`,
      )
      .run().changes;
  }
}
