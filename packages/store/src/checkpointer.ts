import type { Db } from './database.ts';

/**
 * Copies the WAL back into the database file on a timer, off the commit path.
 * PASSIVE never waits for readers; when the WAL has grown past `maxWalPages`
 * a RESTART checkpoint lets the next writer start the WAL from the top.
 */
export class Checkpointer {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    intervalMs = 1000,
    private readonly maxWalPages = 16_384,
  ) {
    this.timer = setInterval(() => this.run(), intervalMs);
    this.timer.unref();
  }

  run(): void {
    if (!this.db.open || this.db.inTransaction) return;
    const [result] = this.db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    if (result && result.log > this.maxWalPages)
      this.db.pragma('wal_checkpoint(RESTART)');
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
