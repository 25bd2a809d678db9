import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  Store,
  workspaceScope,
} from '../src/index.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

/** A workspace with one message in one conversation, written as v17 holds it. */
function seedAt17(db: Store['db']): string {
  const store = new Store(db);
  const ws = store.workspaces.create('Old');
  db.prepare(
    `INSERT INTO whatsapp_numbers (id, workspace_id, phone_number_id, business_account_id,
       display_phone_number, access_token_wrapped, app_secret_wrapped,
       verify_token_wrapped, verify_token_hash, simulated, created_at, updated_at)
     VALUES ('n1', ?, '1', '2', '+1', x'00', x'00', x'00', 'h', 0, 1, 1)`,
  ).run(ws.id);
  db.prepare(
    `INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at)
     VALUES ('c1', ?, '155', 1, 1)`,
  ).run(ws.id);
  db.prepare(
    `INSERT INTO conversations (id, workspace_id, number_id, contact_id, last_message_at,
       created_at) VALUES ('v1', ?, 'n1', 'c1', 1, 1)`,
  ).run(ws.id);
  db.prepare(
    `INSERT INTO messages (id, workspace_id, conversation_id, direction, type, body,
       raw_json, status, occurred_at, created_at)
     VALUES ('m1', ?, 'v1', 'inbound', 'text', 'an older invoice', '{}', 'received', 1, 1)`,
  ).run(ws.id);
  return ws.id;
}

describe('migration 028 (message search) on an encrypted database', () => {
  it('applies once, after 022, and indexes the messages already stored', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 22);
    // 020 to 022 only add tables: the rows a 017 database holds are the same.
    const workspaceId = seedAt17(db);

    expect(migrate(db, 28)).toEqual([28]);
    expect(schemaVersion(db)).toBe(28);
    expect(migrate(db, 28)).toEqual([]);
    const found = new Store(db)
      .in(workspaceScope(workspaceId))
      .search.find([{ text: 'invoice', prefix: false }], { limit: 5 });
    expect(found.map((hit) => hit.messageId)).toEqual(['m1']);
    db.close();
  });
});
