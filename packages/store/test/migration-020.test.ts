import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  workspaceScope,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

describe('migration 020 (consent) on an encrypted database', () => {
  it('applies once, after 017, with no consent and the built-in keywords', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 17);
    expect(migrate(db, 20)).toEqual([20]);
    expect(schemaVersion(db)).toBe(20);
    expect(migrate(db, 20)).toEqual([]);
    for (const table of ['contact_consent', 'consent_events', 'consent_keywords']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()).toBe(0);
    }
    db.close();
  });

  it('keeps the newest change as the record and every change as history', () => {
    env = tempDatabase();
    const store = env.open();
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const contactId = scoped.contacts.upsert('5511987654321', 'Asha');
    const change = {
      contactId,
      purpose: 'marketing' as const,
      source: 'keyword' as const,
      numberId: null,
      detail: 'stop',
    };
    expect(
      scoped.consent.record({ ...change, state: 'opted_out', occurredAt: 2000 }),
    ).toBe(true);
    // An older resume, arriving late, is history but not the record.
    expect(
      scoped.consent.record({ ...change, state: 'opted_in', occurredAt: 1000 }),
    ).toBe(false);
    expect(scoped.consent.get(contactId, 'marketing')).toMatchObject({
      state: 'opted_out',
      changedAt: 2000,
    });
    expect(store.db.prepare('SELECT count(*) FROM consent_events').pluck().get()).toBe(2);

    // A contact of another workspace is not reachable through this one.
    const other = store.in(workspaceScope(store.workspaces.create('Other').id));
    expect(
      other.consent.record({ ...change, state: 'opted_out', occurredAt: 3000 }),
    ).toBe(false);
    expect(other.consent.get(contactId, 'marketing')).toBeUndefined();
    expect(() =>
      store.db
        .prepare(
          `INSERT INTO contact_consent (workspace_id, contact_id, purpose, state, source,
             number_id, changed_at) VALUES (?, ?, 'marketing', 'maybe', 'agent', NULL, 1)`,
        )
        .run(ws.id, contactId),
    ).toThrow(/CHECK constraint failed/);
    store.close();
  });
});
