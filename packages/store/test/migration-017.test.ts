import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  type Store,
  workspaceScope,
} from '../src/index.ts';
import { saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

function seed(store: Store) {
  const ws = store.workspaces.create('Acme');
  const scoped = store.in(workspaceScope(ws.id));
  const number = saveTestNumber(scoped);
  return { scoped, numberId: number.id };
}

describe('migration 017 (inbound kinds) on an encrypted database', () => {
  it('applies once, after 016, keeping older messages and errors', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 16);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w1', 'Old', 1)`,
    ).run();
    db.prepare(
      `INSERT INTO whatsapp_numbers (id, workspace_id, phone_number_id, business_account_id,
         display_phone_number, access_token_wrapped, app_secret_wrapped,
         verify_token_wrapped, verify_token_hash, simulated, created_at, updated_at)
       VALUES ('n1', 'w1', '1', '2', '+1', x'00', x'00', x'00', 'h', 0, 1, 1)`,
    ).run();
    const oldError = `INSERT INTO whatsapp_errors (id, workspace_id, number_id, code, title,
      raw_json, received_at) VALUES (?, 'w1', 'n1', 1, 't', '{}', 1)`;
    db.prepare(oldError).run('e1');
    db.prepare(oldError).run('e2');

    expect(migrate(db, 17)).toEqual([17]);
    expect(schemaVersion(db)).toBe(17);
    expect(migrate(db, 17)).toEqual([]);
    // Rows from before the digest existed are all kept, none merged.
    expect(db.prepare('SELECT count(*) FROM whatsapp_errors').pluck().get()).toBe(2);
    db.close();
  });

  it('keeps an unhandled field and a value.errors entry once each', () => {
    env = tempDatabase();
    const { scoped, numberId } = seed(env.open());
    expect(scoped.webhookEvents.keep(numberId, 'account_update', '{"a":1}')).toBe(true);
    expect(scoped.webhookEvents.keep(numberId, 'account_update', '{"a":1}')).toBe(false);
    expect(scoped.webhookEvents.keep(numberId, 'account_update', '{"a":2}')).toBe(true);
    const error = {
      code: 131045,
      title: 'Certificate',
      message: null,
      rawJson: '{"x":1}',
    };
    expect(scoped.numbers.recordWebhookError(numberId, error)).toBe(true);
    expect(scoped.numbers.recordWebhookError(numberId, error)).toBe(false);
    expect(scoped.webhookEvents.list('account_update')).toHaveLength(2);
  });

  it('links a new number to the contact it replaced, and unlinks when that one goes', () => {
    env = tempDatabase();
    const store = env.open();
    const { scoped } = seed(store);
    const before = scoped.contacts.upsert('5511987654321', 'Ana');
    const after = scoped.contacts.upsert('5511912340000', 'Ana');
    scoped.contacts.linkPreviousNumber(after, before);
    expect(scoped.contacts.previousOf(after)?.waId).toBe('5511987654321');

    store.db.prepare('DELETE FROM contacts WHERE id = ?').run(before);
    expect(scoped.contacts.previousOf(after)).toBeUndefined();
    expect(scoped.contacts.get(after)?.waId).toBe('5511912340000');
  });

  it('stores what an inbound message shows, and outbound rows without it', () => {
    env = tempDatabase();
    const store = env.open();
    const { scoped, numberId } = seed(store);
    const contactId = scoped.contacts.upsert('15550001111', 'Ana');
    const conversationId = scoped.conversations.touchInbound(numberId, contactId, 1000);
    const id = scoped.messages.insertInbound({
      conversationId,
      waMessageId: 'wamid.LOC',
      type: 'location',
      body: 'Loja Centro',
      rawJson: '{}',
      replyToWaMessageId: null,
      occurredAt: 1000,
      contentJson: '{"content":{"kind":"location"}}',
    })!;
    expect(scoped.messages.get(id)?.contentJson).toBe('{"content":{"kind":"location"}}');
  });
});
