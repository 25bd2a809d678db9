import type { Store } from '../store.ts';

/** The one-time code that creates the first OWNER; only its hash is kept. */
export class SetupRepo {
  constructor(private readonly store: Store) {}

  replaceCode(codeHash: string): void {
    this.store
      .statement(
        `INSERT INTO setup_codes (id, code_hash, created_at) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET code_hash = excluded.code_hash,
           created_at = excluded.created_at`,
      )
      .run(codeHash, this.store.clock.now());
  }

  codeHash(): string | undefined {
    return this.store
      .statement('SELECT code_hash FROM setup_codes WHERE id = 1')
      .pluck()
      .get() as string | undefined;
  }

  /** Consumes the code; true only for the one caller that removed it. */
  consume(codeHash: string): boolean {
    return (
      this.store
        .statement('DELETE FROM setup_codes WHERE id = 1 AND code_hash = ?')
        .run(codeHash).changes === 1
    );
  }
}
