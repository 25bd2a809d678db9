import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  Store,
  workspaceScope,
} from '../src/index.ts';
import { seedAt17 } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 040 (data requests) on an encrypted database', () => {
  it('applies once after 034, starts empty, and refuses an unknown kind or law', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 17);
    const workspaceId = seedAt17(db);
    migrate(db, 34);

    expect(migrate(db, 40)).toEqual([40]);
    expect(schemaVersion(db)).toBe(40);
    expect(migrate(db, 40)).toEqual([]);
    const scoped = new Store(db).in(workspaceScope(workspaceId));
    expect(scoped.dataRequests.list()).toEqual([]);
    expect(scoped.dataRequests.authority('GDPR')).toBeNull();
    const insert = (kind: string, law: string) =>
      db
        .prepare(
          `INSERT INTO data_requests (id, workspace_id, kind, law, requester, received_at,
             due_at, created_at, updated_at) VALUES (?, ?, ?, ?, 'x', 0, 0, 0, 0)`,
        )
        .run(`${kind}-${law}`, workspaceId, kind, law);
    expect(() => insert('deletion', 'GDPR')).toThrow(/CHECK constraint/);
    expect(() => insert('access', 'CCPA')).toThrow(/CHECK constraint/);
    insert('access', 'DPDP');
    expect(scoped.dataRequests.listOpen().map((r) => r.kind)).toEqual(['access']);
    db.close();
  });
});
