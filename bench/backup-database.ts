import { randomBytes } from 'node:crypto';
import { migrate, openEncryptedDatabase } from '@flowgento/store';

/** Filler rows: random bytes, so the sealed copy cannot be smaller than the file. */
const ROW_BYTES = 16 * 1024;
const ROWS_PER_COMMIT = 512;

/**
 * Builds an encrypted database of about `bytes`: the appliance's schema,
 * then a bench-only table of incompressible rows. The log is checkpointed
 * into the file, as on an appliance that has been running a while.
 */
export function buildDatabase(path: string, key: Buffer, bytes: number): number {
  const db = openEncryptedDatabase({ path, key });
  migrate(db);
  db.exec('CREATE TABLE bench_filler (id INTEGER PRIMARY KEY, bytes BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO bench_filler (bytes) VALUES (?)');
  const fill = db.transaction((rows: number) => {
    for (let i = 0; i < rows; i += 1) insert.run(randomBytes(ROW_BYTES));
  });
  for (let left = Math.ceil(bytes / ROW_BYTES); left > 0; left -= ROWS_PER_COMMIT) {
    fill(Math.min(left, ROWS_PER_COMMIT));
    // Keeps the log short while filling; the engine checkpoints afterwards.
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  const size =
    (db.pragma('page_count', { simple: true }) as number) *
    (db.pragma('page_size', { simple: true }) as number);
  db.close();
  return size;
}
