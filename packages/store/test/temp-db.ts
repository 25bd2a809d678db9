import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openEncryptedDatabase, migrate, Store } from '../src/index.ts';

/** A real encrypted database file in a fresh temporary folder. */
export function tempDatabase(): {
  dir: string;
  path: string;
  key: Buffer;
  open: () => Store;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'fg-store-'));
  const path = join(dir, 'flowgento.db');
  const key = randomBytes(32);
  return {
    dir,
    path,
    key,
    open: () => {
      const db = openEncryptedDatabase({ path, key });
      migrate(db);
      return new Store(db);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
