import type { ScopedStore, Store } from '../src/index.ts';

/**
 * A WhatsApp number in a workspace, as the store tests need one: credentials
 * that wrap to placeholder bytes, not simulated. `phoneNumberId` and
 * `verifyTokenHash` must differ between numbers of one database.
 */
export function saveTestNumber(
  scoped: ScopedStore,
  options: { phoneNumberId?: string; verifyTokenHash?: string; display?: string } = {},
) {
  return scoped.numbers.save({
    phoneNumberId: options.phoneNumberId ?? '1001',
    businessAccountId: '2002',
    displayPhoneNumber: options.display ?? '+1 555 0100',
    wrapAccessToken: () => Buffer.from('a'),
    wrapAppSecret: () => Buffer.from('b'),
    wrapVerifyToken: () => Buffer.from('c'),
    verifyTokenHash: options.verifyTokenHash ?? 'h',
    simulated: false,
  });
}

/**
 * A workspace with one message in one conversation, written as version 17
 * of the schema holds it (today's repositories also set later columns).
 * Returns the workspace id.
 */
export function seedAt17(db: Store['db']): string {
  const ws = db
    .prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w-old', 'Old', 1) RETURNING id`,
    )
    .pluck()
    .get() as string;
  db.prepare(
    `INSERT INTO whatsapp_numbers (id, workspace_id, phone_number_id, business_account_id,
       display_phone_number, access_token_wrapped, app_secret_wrapped,
       verify_token_wrapped, verify_token_hash, simulated, created_at, updated_at)
     VALUES ('n1', ?, '1', '2', '+1', x'00', x'00', x'00', 'h', 0, 1, 1)`,
  ).run(ws);
  db.prepare(
    `INSERT INTO contacts (id, workspace_id, wa_id, created_at, updated_at)
     VALUES ('c1', ?, '155', 1, 1)`,
  ).run(ws);
  db.prepare(
    `INSERT INTO conversations (id, workspace_id, number_id, contact_id, last_message_at,
       created_at) VALUES ('v1', ?, 'n1', 'c1', 1, 1)`,
  ).run(ws);
  db.prepare(
    `INSERT INTO messages (id, workspace_id, conversation_id, direction, type, body,
       raw_json, status, occurred_at, created_at)
     VALUES ('m1', ?, 'v1', 'inbound', 'text', 'an older invoice', '{}', 'received', 1, 1)`,
  ).run(ws);
  return ws;
}

/**
 * A contact as the schema before version 58 holds it (plain number, no
 * hash): `ContactRepo.upsert` also sets `wa_hash`. Returns its id.
 */
export function contactBefore58(
  db: Store['db'],
  workspaceId: string,
  waId: string,
  profileName: string | null = null,
): string {
  const id = `contact-${waId}`;
  db.prepare(
    `INSERT INTO contacts (id, workspace_id, wa_id, profile_name, created_at, updated_at)
     VALUES (?, ?, ?, ?, 1, 1)`,
  ).run(id, workspaceId, waId, profileName);
  return id;
}
