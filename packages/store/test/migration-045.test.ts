import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 045 (retention) on an encrypted database', () => {
  it('adds rules, legal holds, notices and runs, refusing a hold that covers nothing', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 44);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();

    expect(migrate(db, 45)).toEqual([45]);
    expect(schemaVersion(db)).toBe(45);
    const rule = db.prepare(
      `INSERT INTO retention_rules (workspace_id, category, days, updated_at)
       VALUES ('w', ?, ?, 0)`,
    );
    rule.run('conversations', 30);
    expect(() => rule.run('payroll', 30)).toThrow(/CHECK/);
    expect(() => rule.run('media', 0)).toThrow(/CHECK/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO legal_holds (id, workspace_id, reason, placed_by, placed_at)
           VALUES ('h', 'w', 'Court order', 'u', 0)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });
});
