import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, Store } from '@flowgento/store';
import { CommitBatcher } from '../src/index.ts';

let dir: string;
let store: Store;
afterEach(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function openStore(): Store {
  dir = mkdtempSync(join(tmpdir(), 'fg-batcher-'));
  const db = openEncryptedDatabase({ path: join(dir, 'db'), key: randomBytes(32) });
  migrate(db);
  return new Store(db);
}

const names = () =>
  store.db.prepare('SELECT name FROM workspaces ORDER BY name').pluck().all();

describe('grouping concurrent writes into one commit', () => {
  it('commits the good writes of a batch and rolls back only the one that failed', async () => {
    store = openStore();
    const batcher = new CommitBatcher(store);
    const results = await Promise.allSettled([
      batcher.submit(() => store.workspaces.create('a')),
      batcher.submit(() => {
        store.workspaces.create('half-written');
        throw new Error('second write fails after a partial insert');
      }),
      batcher.submit(() => store.workspaces.create('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(names()).toEqual(['a', 'c']);
  });

  it('settles each caller only after the rows are committed', async () => {
    store = openStore();
    const batcher = new CommitBatcher(store);
    const pending = Array.from({ length: 50 }, (_, i) =>
      batcher
        .submit(() => store.workspaces.create(`w${i}`))
        .then(() => store.db.inTransaction),
    );
    const inTransactionWhenSettled = await Promise.all(pending);
    expect(inTransactionWhenSettled.every((open) => open === false)).toBe(true);
    expect(names()).toHaveLength(50);
  });
});
