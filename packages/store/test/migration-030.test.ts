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

describe('migration 030 (member unread) on an encrypted database', () => {
  it("applies once, after 029: the team's count becomes every member's", () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 29);
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
         unread_count, created_at) VALUES ('v1', ?, 'n1', 'c1', 1, 3, 1)`,
    ).run(ws.id);
    const user = store.users.create({
      email: 'a@x.test',
      displayName: 'A',
      passwordHash: 'x',
    });

    expect(migrate(db, 30)).toEqual([30]);
    expect(schemaVersion(db)).toBe(30);
    expect(migrate(db, 30)).toEqual([]);
    const conversations = store.in(workspaceScope(ws.id)).conversations;
    expect(conversations.get('v1', user.id)?.unreadCount).toBe(3);
    expect(conversations.markRead('v1', user.id)).toBe(true);
    expect(conversations.get('v1', user.id)?.unreadCount).toBe(0);
    expect(conversations.get('v1', 'someone-else')?.unreadCount).toBe(3);
    db.close();
  });
});
