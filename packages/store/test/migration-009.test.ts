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

describe('migration 009 (audit retention) on an encrypted database at version 8', () => {
  it('keeps the entries already chained valid, keeps a year, and keeps anchors append-only', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 8);
    const fields = {
      at: 1,
      workspaceId: null,
      actorType: 'system',
      actorId: null,
      actorLabel: 'cli',
      action: 'backup.created',
      outcome: 'success',
      targetType: null,
      targetId: null,
      ip: null,
      userAgent: null,
      detailsJson: '{}',
    };
    const hash = auditEntryHash(AUDIT_GENESIS_HASH, fields);
    db.prepare(
      `INSERT INTO audit_log (at, actor_type, actor_label, action, outcome, prev_hash, hash)
       VALUES (1, 'system', 'cli', 'backup.created', 'success', ?, ?)`,
    ).run(AUDIT_GENESIS_HASH, hash);

    expect(migrate(db, 9)).toEqual([9]);
    expect(schemaVersion(db)).toBe(9);
    // An entry from before the column keeps its hash: the new field is absent.
    const row = db.prepare('SELECT request_id, hash FROM audit_log').get();
    expect(row).toEqual({ request_id: null, hash });
    expect(auditEntryHash(AUDIT_GENESIS_HASH, { ...fields, requestId: null })).toBe(hash);
    expect(auditEntryHash(AUDIT_GENESIS_HASH, { ...fields, requestId: 'abc' })).not.toBe(
      hash,
    );

    expect(db.prepare('SELECT retention_months FROM audit_settings').pluck().get()).toBe(
      12,
    );
    expect(() =>
      db.prepare('UPDATE audit_settings SET retention_months = 11').run(),
    ).toThrow(/CHECK constraint/);
    db.prepare(
      `INSERT INTO audit_anchors (first_seq, prev_hash, pruned_at, pruned_count, cutoff)
       VALUES (5, ?, 1, 4, 1)`,
    ).run(hash);
    expect(() => db.prepare('DELETE FROM audit_anchors').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE audit_anchors SET first_seq = 1').run()).toThrow(
      /append-only/,
    );
    db.close();
  });
});
