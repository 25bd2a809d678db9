import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

const auditIndexes = (db: ReturnType<typeof openEncryptedDatabase>) =>
  db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_log'
         AND name LIKE 'audit_log_by_%' ORDER BY name`,
    )
    .pluck()
    .all();

describe('migration 010 (audit filters) on an encrypted database', () => {
  it('indexes the entries already written and keeps them as they were', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    // Everything before this migration, whichever versions that includes.
    migrate(db, 9);
    db.exec(`
      INSERT INTO audit_log (at, workspace_id, actor_type, actor_label, action, outcome)
        VALUES (1, 'w', 'system', 'cli', 'a', 'success'),
               (2, NULL, 'system', 'cli', 'b', 'failure');`);
    const before = db.prepare('SELECT * FROM audit_log ORDER BY seq').all();

    expect(migrate(db, 10)).toEqual([10]);
    expect(schemaVersion(db)).toBe(10);

    expect(auditIndexes(db)).toEqual([
      'audit_log_by_action',
      'audit_log_by_time',
      'audit_log_by_workspace',
      'audit_log_by_workspace_action',
      'audit_log_by_workspace_actor',
      'audit_log_by_workspace_target_id',
      'audit_log_by_workspace_target_type',
      'audit_log_by_workspace_time',
    ]);
    expect(db.prepare('SELECT * FROM audit_log ORDER BY seq').all()).toEqual(before);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(() => db.prepare(`UPDATE audit_log SET action = 'x'`).run()).toThrow(
      /append-only/,
    );
    db.close();
  });
});
