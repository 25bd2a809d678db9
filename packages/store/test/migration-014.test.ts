import { afterEach, describe, expect, it } from 'vitest';
import {
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  Store,
  workspaceScope,
} from '../src/index.ts';
import { contactBefore58, saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

/** A workspace with one inbound image message, as intake would leave it. */
function seed(store: Store, name = 'Acme') {
  const ws = store.workspaces.create(name);
  const scoped = store.in(workspaceScope(ws.id));
  const number = saveTestNumber(scoped, {
    phoneNumberId: `10${name.length}`,
    verifyTokenHash: `h-${name}`,
  });
  const contactId = scoped.contacts.upsert('15550001111', 'Ana');
  const conversationId = scoped.conversations.touchInbound(number.id, contactId, 1000);
  const messageId = scoped.messages.insertInbound({
    conversationId,
    waMessageId: `wamid.${name}`,
    type: 'image',
    body: 'caption',
    rawJson: '{}',
    replyToWaMessageId: null,
    occurredAt: 1000,
  })!;
  const mediaId = scoped.media.insertPending({
    messageId,
    numberId: number.id,
    waMediaId: '123',
    kind: 'image',
    filename: null,
    mimeType: 'image/jpeg',
  });
  return { ws, scoped, conversationId, messageId, mediaId };
}

const stored = {
  mimeType: 'image/jpeg',
  size: 10,
  objectKey: 'media/w/m',
  providerId: 'local',
  sealedSize: 54,
  sealedSha256: 'ab',
  keyWrapped: Buffer.from('wrapped'),
};

describe('migration 014 (media) on an encrypted database', () => {
  it('applies once, after 013, keeping the messages already stored', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 13);
    const before = seedWithoutMedia(new Store(db));

    expect(migrate(db, 14)).toEqual([14]);
    expect(schemaVersion(db)).toBe(14);
    expect(migrate(db, 14)).toEqual([]);
    expect(db.prepare(`SELECT count(*) FROM messages`).pluck().get()).toBe(before);
    expect(db.prepare(`SELECT count(*) FROM media`).pluck().get()).toBe(0);
    db.close();
  });

  it('queues a pending file, stores it once, and shows it only to its workspace', () => {
    env = tempDatabase();
    const store = env.open();
    const acme = seed(store);
    const other = seed(store, 'Other Co');

    expect(
      store.mediaQueue
        .pending()
        .map((job) => job.mediaId)
        .sort(),
    ).toEqual([acme.mediaId, other.mediaId].sort());
    expect(acme.scoped.media.get(other.mediaId)).toBeUndefined();
    expect(acme.scoped.media.markStored(other.mediaId, stored)).toBe(false);

    expect(acme.scoped.media.markRetry(acme.mediaId, 5000, 'graph_http_503')).toBe(true);
    expect(acme.scoped.media.markStored(acme.mediaId, stored)).toBe(true);
    expect(acme.scoped.media.markFailed(acme.mediaId, 'late')).toBe(false);
    expect(acme.scoped.media.get(acme.mediaId)).toMatchObject({
      state: 'stored',
      attempts: 2,
      nextAttemptAt: null,
      failureReason: null,
      objectKey: 'media/w/m',
    });
    expect(acme.scoped.media.listForConversation(acme.conversationId)).toHaveLength(1);
    expect(store.mediaQueue.pending().map((job) => job.mediaId)).toEqual([other.mediaId]);
    // The file's key is a wrapped secret: key rotation reseals it.
    expect(store.wrappedSecrets.all().map((secret) => secret.aad)).toContain(
      `media/${acme.mediaId}/key`,
    );
    store.close();
  });

  it('refuses a stored file without its key or a failure without a reason', () => {
    env = tempDatabase();
    const store = env.open();
    const { mediaId } = seed(store);
    expect(() =>
      store.db.prepare(`UPDATE media SET state = 'stored' WHERE id = ?`).run(mediaId),
    ).toThrow(/CHECK constraint failed/);
    expect(() =>
      store.db.prepare(`UPDATE media SET state = 'failed' WHERE id = ?`).run(mediaId),
    ).toThrow(/CHECK constraint failed/);
    expect(() =>
      store.db.prepare(`UPDATE media SET kind = 'gif' WHERE id = ?`).run(mediaId),
    ).toThrow(/CHECK constraint failed/);
    store.close();
  });

  it('goes with its message when the conversation is deleted', () => {
    env = tempDatabase();
    const store = env.open();
    const { scoped, conversationId, mediaId } = seed(store);
    expect(scoped.conversations.delete(conversationId)).toBe(true);
    expect(scoped.media.get(mediaId)).toBeUndefined();
    store.close();
  });
});

function seedWithoutMedia(store: Store): number {
  const ws = store.workspaces.create('Before');
  const scoped = store.in(workspaceScope(ws.id));
  const number = saveTestNumber(scoped);
  const contactId = contactBefore58(store.db, ws.id, '15550001111', 'Ana');
  // Written as the schema of v13 holds it: today's repositories also set
  // columns of later migrations (content_json of 017, status of 029).
  const conversationId = 'conversation-before';
  store.db
    .prepare(
      `INSERT INTO conversations (id, workspace_id, number_id, contact_id, last_message_at,
         last_inbound_at, unread_count, created_at) VALUES (?, ?, ?, ?, 1000, 1000, 1, 1000)`,
    )
    .run(conversationId, ws.id, number.id, contactId);
  store.db
    .prepare(
      `INSERT INTO messages (id, workspace_id, conversation_id, wa_message_id, direction,
         type, body, raw_json, status, occurred_at, created_at)
       VALUES ('message-before', ?, ?, 'wamid.before', 'inbound', 'text', 'hi', '{}',
         'received', 1000, 1000)`,
    )
    .run(ws.id, conversationId);
  return 1;
}
