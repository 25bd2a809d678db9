import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContactVault, SHREDDED_TEXT, workspaceScope, type Store } from '../src/index.ts';
import { saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
let vault: ContactVault | undefined;
afterEach(() => {
  vault?.close();
  vault = undefined;
  env?.cleanup();
});

/** A store whose contacts' columns are sealed, as the server runs it. */
function sealedStore(): Store {
  env = tempDatabase();
  const store = env.open();
  vault = ContactVault.open(join(env.dir, 'contact-keys.db'), randomBytes(32));
  store.contactKeys = vault;
  return store;
}

function seed(store: Store, waId: string, name: string, text: string) {
  const ws = store.workspaces.list()[0] ?? store.workspaces.create('Acme');
  const scoped = store.in(workspaceScope(ws.id));
  const number =
    scoped.numbers.list()[0] ?? saveTestNumber(scoped, { phoneNumberId: 'p1' });
  const contactId = scoped.contacts.upsert(waId, name);
  const conversationId = scoped.conversations.touchInbound(number.id, contactId, 1000);
  const messageId = scoped.messages.insertInbound({
    conversationId,
    waMessageId: `wamid.${waId}`,
    type: 'text',
    body: text,
    rawJson: JSON.stringify({ text: { body: text } }),
    replyToWaMessageId: null,
    occurredAt: 1000,
    contentJson: JSON.stringify({ kind: 'text', text }),
  })!;
  return { ws, scoped, contactId, conversationId, messageId };
}

/** Every token the full-text index (its own file, `search`) still holds. */
function indexed(store: Store): string[] {
  store.db.exec(
    'CREATE VIRTUAL TABLE IF NOT EXISTS temp.index_terms USING fts5vocab(search, message_search, row)',
  );
  return store.db.prepare('SELECT term FROM temp.index_terms').pluck().all() as string[];
}

const find = (scoped: ReturnType<Store['in']>, text: string) =>
  scoped.search.find([{ text, prefix: false }], { limit: 10 });

describe('migration 057: message text sealed under the contact key', () => {
  it('stores ciphertext, yet search, lists and conversations show the plaintext', () => {
    const store = sealedStore();
    const a = seed(store, '15550001111', 'Ana Marker', 'zebraquartz invoice');

    const row = store.db
      .prepare('SELECT body, raw_json, content_json FROM messages WHERE id = ?')
      .get(a.messageId) as Record<string, string>;
    for (const value of Object.values(row)) expect(value).toMatch(/^fgc1:/);
    const name = store.db.prepare('SELECT profile_name FROM contacts').pluck().get();
    expect(name).toMatch(/^fgc1:/);

    const [hit] = find(a.scoped, 'zebraquartz');
    expect(hit).toMatchObject({ body: 'zebraquartz invoice', contactName: 'Ana Marker' });
    const [summary] = a.scoped.conversations.list();
    expect(summary?.lastMessagePreview).toBe('zebraquartz invoice');
    expect(summary?.contact.profileName).toBe('Ana Marker');
    const [message] = a.scoped.messages.listForConversation(a.conversationId);
    expect(message?.contentJson).toContain('zebraquartz');
    expect(a.scoped.contacts.get(a.contactId)?.profileName).toBe('Ana Marker');
    // The same name again writes nothing new; a new one is sealed again.
    expect(a.scoped.contacts.upsert('15550001111', 'Ana Marker')).toBe(a.contactId);
    a.scoped.contacts.upsert('15550001111', 'Ana M.');
    expect(a.scoped.contacts.get(a.contactId)?.profileName).toBe('Ana M.');
  });

  it('removes the tokens of a deleted conversation, with its key or after the key is gone', () => {
    const store = sealedStore();
    const a = seed(store, '15550001111', 'Ana', 'zebraquartz one');
    const b = seed(store, '15550002222', 'Bo', 'yakpotato two');
    expect(indexed(store)).toEqual(expect.arrayContaining(['zebraquartz', 'yakpotato']));

    a.scoped.conversations.delete(a.conversationId);
    expect(indexed(store)).not.toContain('zebraquartz');

    // An old snapshot after an erasure: the rows are there, the key is not.
    vault!.destroyContactKey(b.ws.id, b.contactId);
    expect(b.scoped.messages.get(b.messageId)?.body).toBe(SHREDDED_TEXT);
    store.db.prepare('DELETE FROM messages WHERE id = ?').run(b.messageId);
    expect(indexed(store)).not.toContain('yakpotato');
    // FTS5's own check: the index holds exactly what was given and taken.
    store.db
      .prepare(
        "INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 0)",
      )
      .run();
  });

  it('an erasure after a restore (the key destroyed) still takes every token out of the index', () => {
    const store = sealedStore();
    const a = seed(store, '15550001111', 'Ana', 'zebraquartz one zebraquartz');
    const b = seed(store, '15550002222', 'Bo', 'yakpotato two');
    a.scoped.messages.insertOutbound({
      conversationId: a.conversationId,
      body: 'lemonfjord reply',
      sentBy: store.users.create({
        email: 'o@x.test',
        displayName: 'O',
        passwordHash: 'x',
      }).id,
      rawJson: '{}',
    });
    vault!.destroyContactKey(a.ws.id, a.contactId);

    const target = a.scoped.erasure.target(a.contactId)!;
    store.transaction(() => a.scoped.erasure.erase(target));
    const left = indexed(store);
    expect(left).not.toContain('zebraquartz');
    expect(left).not.toContain('lemonfjord');
    expect(find(b.scoped, 'yakpotato')).toHaveLength(1);
    store.db
      .prepare(
        "INSERT INTO message_search (message_search, rank) VALUES ('integrity-check', 0)",
      )
      .run();
  });

  it('still indexes plain bodies written without a vault (CLI tools, old rows)', () => {
    env = tempDatabase();
    const store = env.open();
    const a = seed(store, '15550001111', 'Ana', 'plainword here');
    expect(find(a.scoped, 'plainword')).toHaveLength(1);
    store.db.prepare('DELETE FROM messages WHERE id = ?').run(a.messageId);
    expect(indexed(store)).not.toContain('plainword');
  });
});
