import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  openEncryptedDatabase,
  migrate,
  SEARCH_INDEX_FILE,
  SearchIndex,
  Store,
} from '../src/index.ts';

/**
 * A real encrypted database file in a fresh temporary folder, with the
 * message search index attached from its own file beside it, as the
 * appliance runs.
 */
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
  const searchKey = randomBytes(32);
  return {
    dir,
    path,
    key,
    open: () => {
      const db = openEncryptedDatabase({ path, key });
      migrate(db);
      const store = new Store(db);
      SearchIndex.attach(store, { path: join(dir, SEARCH_INDEX_FILE), key: searchKey });
      return store;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
