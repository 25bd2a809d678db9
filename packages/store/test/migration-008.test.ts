import { afterEach, describe, expect, it } from 'vitest';
import {
  AUDIT_GENESIS_HASH,
  auditEntryHash,
  migrate,
  openEncryptedDatabase,
  schemaVersion,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 008 (audit chain) on an encrypted database at version 7', () => {
  it('chains the entries already written, in order, and keeps the log append-only', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 7);
    db.exec(`
      INSERT INTO audit_log (at, actor_type, action, outcome) VALUES (1, 'system', 'a', 'success');
      INSERT INTO audit_log (at, actor_type, actor_label, action, outcome, details_json)
        VALUES (2, 'system', 'cli', 'b', 'failure', '{"n":1}');`);

    expect(migrate(db, 8)).toEqual([8]);
    expect(schemaVersion(db)).toBe(8);

    const rows = db
      .prepare('SELECT prev_hash AS prev, hash FROM audit_log ORDER BY seq')
      .all() as { prev: string; hash: string }[];
    const first = auditEntryHash(AUDIT_GENESIS_HASH, {
      at: 1,
      workspaceId: null,
      actorType: 'system',
      actorId: null,
      actorLabel: null,
      action: 'a',
      outcome: 'success',
      targetType: null,
      targetId: null,
      ip: null,
      userAgent: null,
      detailsJson: '{}',
    });
    expect(rows[0]).toEqual({ prev: AUDIT_GENESIS_HASH, hash: first });
    expect(rows[1]?.prev).toBe(first);
    expect(rows[1]?.hash).toMatch(/^[0-9a-f]{64}$/);

    expect(() => db.prepare(`UPDATE audit_log SET action = 'x'`).run()).toThrow(
      /append-only/,
    );
    expect(migrate(db, 8)).toEqual([]);
    db.close();
  });
});
