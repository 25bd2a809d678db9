import { afterEach, describe, expect, it } from 'vitest';
import { migrate, openEncryptedDatabase, schemaVersion } from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

type Db = ReturnType<typeof openEncryptedDatabase>;

// Events are received in the order the test writes them.
let received = 0;

/** A consent event as the code before migration 063 wrote it: a change. */
function event(
  db: Db,
  contact: string,
  id: string,
  state: 'opted_in' | 'opted_out',
  source: string,
  at: number,
  notice: string | null = null,
): void {
  db.prepare(
    `INSERT INTO consent_events (id, workspace_id, contact_id, purpose, state, source,
       detail, occurred_at, recorded_at, notice_version, language)
     VALUES (?, 'w', ?, 'marketing', ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    id,
    contact,
    state,
    source,
    source === 'keyword' ? (state === 'opted_in' ? 'START' : 'STOP') : null,
    at,
    10_000 + ++received,
    notice,
    notice ? 'en' : null,
  );
}

/** Where the old code left a contact's marketing record. */
function record(
  db: Db,
  contact: string,
  state: 'opted_in' | 'opted_out',
  source: string,
  at: number,
  notice: string | null = null,
): void {
  db.prepare(
    `INSERT INTO contact_consent (workspace_id, contact_id, purpose, state, source,
       changed_at, notice_version, language) VALUES ('w', ?, 'marketing', ?, ?, ?, ?, ?)`,
  ).run(contact, state, source, at, notice, notice ? 'en' : null);
}

describe('migration 068: an old START or resume gives consent only as today', () => {
  it('drops START-only consent, restores a withdrawn notice, and leaves members alone', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 67);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();
    for (const c of ['start', 'resumed', 'agent', 'later', 'webhook']) {
      db.prepare(
        `INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at)
         VALUES (?, 'w', ?, 0, 0)`,
      ).run(c, `55119876${c.length}${c.charCodeAt(0)}`);
    }
    // Wrote START and nothing else.
    event(db, 'start', 's1', 'opted_in', 'keyword', 1000);
    record(db, 'start', 'opted_in', 'keyword', 1000);
    // Opted in with notice v1, wrote STOP, then START.
    event(db, 'resumed', 'r1', 'opted_in', 'agent', 1000, 'v1');
    event(db, 'resumed', 'r2', 'opted_out', 'keyword', 2000);
    event(db, 'resumed', 'r3', 'opted_in', 'keyword', 3000);
    record(db, 'resumed', 'opted_in', 'keyword', 3000);
    // An agent's opt-in from before notices existed.
    event(db, 'agent', 'a1', 'opted_in', 'agent', 1000);
    record(db, 'agent', 'opted_in', 'agent', 1000);
    // START first, then an opt-in with notice v2.
    event(db, 'later', 'l1', 'opted_in', 'keyword', 1000);
    event(db, 'later', 'l2', 'opted_in', 'agent', 2000, 'v2');
    record(db, 'later', 'opted_in', 'agent', 2000, 'v2');
    // WhatsApp's stop then resume, with no notice-backed opt-in ever.
    event(db, 'webhook', 'w1', 'opted_out', 'preference_webhook', 1000);
    event(db, 'webhook', 'w2', 'opted_in', 'preference_webhook', 2000);
    record(db, 'webhook', 'opted_in', 'preference_webhook', 2000);

    expect(migrate(db, 68)).toEqual([68]);
    expect(schemaVersion(db)).toBe(68);

    const kinds = db
      .prepare(
        `SELECT id, kind, notice_version AS notice, language FROM consent_events ORDER BY id`,
      )
      .all();
    expect(kinds).toEqual([
      { id: 'a1', kind: 'change', notice: null, language: null },
      { id: 'l1', kind: 'request', notice: null, language: null },
      { id: 'l2', kind: 'change', notice: 'v2', language: 'en' },
      { id: 'r1', kind: 'change', notice: 'v1', language: 'en' },
      { id: 'r2', kind: 'change', notice: null, language: null },
      { id: 'r3', kind: 'resumption', notice: 'v1', language: 'en' },
      { id: 's1', kind: 'request', notice: null, language: null },
      { id: 'w1', kind: 'change', notice: null, language: null },
      { id: 'w2', kind: 'request', notice: null, language: null },
    ]);
    const records = db
      .prepare(
        `SELECT contact_id AS contact, state, source, changed_at AS at,
           notice_version AS notice, language FROM contact_consent ORDER BY contact_id`,
      )
      .all();
    expect(records).toEqual([
      {
        contact: 'agent',
        state: 'opted_in',
        source: 'agent',
        at: 1000,
        notice: null,
        language: null,
      },
      {
        contact: 'later',
        state: 'opted_in',
        source: 'agent',
        at: 2000,
        notice: 'v2',
        language: 'en',
      },
      {
        contact: 'resumed',
        state: 'opted_in',
        source: 'keyword',
        at: 3000,
        notice: 'v1',
        language: 'en',
      },
      // The resume gave nothing: the record is the STOP before it.
      {
        contact: 'webhook',
        state: 'opted_out',
        source: 'preference_webhook',
        at: 1000,
        notice: null,
        language: null,
      },
    ]);
    db.close();
  });

  it('keeps a withdrawal that won its second, and a START while opted in is only a request', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 67);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'Acme', 0)`,
    ).run();
    db.prepare(
      `INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at)
       VALUES ('c', 'w', '5511987654321', 0, 0)`,
    ).run();
    // Opted in with a notice at 1.500 s; a STOP stamped 1 s (Meta's whole
    // second), received after it, won the second; START at 2 s, START again
    // at 2.5 s, then STOP at 3 s.
    event(db, 'c', 'e1', 'opted_in', 'agent', 1500, 'v1');
    event(db, 'c', 'e2', 'opted_out', 'keyword', 1000);
    event(db, 'c', 'e3', 'opted_in', 'keyword', 2000);
    event(db, 'c', 'e4', 'opted_in', 'keyword', 2500);
    event(db, 'c', 'e5', 'opted_out', 'keyword', 3000);
    record(db, 'c', 'opted_out', 'keyword', 3000);

    expect(migrate(db, 68)).toEqual([68]);
    expect(
      db
        .prepare(
          `SELECT id, kind, notice_version AS notice FROM consent_events ORDER BY id`,
        )
        .all(),
    ).toEqual([
      { id: 'e1', kind: 'change', notice: 'v1' },
      { id: 'e2', kind: 'change', notice: null },
      // Lifted the STOP of e1's opt-in; e4 came while opted in again.
      { id: 'e3', kind: 'resumption', notice: 'v1' },
      { id: 'e4', kind: 'request', notice: null },
      { id: 'e5', kind: 'change', notice: null },
    ]);
    // The record was a withdrawal and stays one.
    expect(
      db.prepare(`SELECT state, source, changed_at AS at FROM contact_consent`).all(),
    ).toEqual([{ state: 'opted_out', source: 'keyword', at: 3000 }]);
    db.close();
  });
});
