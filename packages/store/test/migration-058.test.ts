import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContactVault,
  migrate,
  openEncryptedDatabase,
  schemaVersion,
  SHREDDED_TEXT,
  Store,
  workspaceScope,
} from '../src/index.ts';
import { contactBefore58, saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
let vault: ContactVault | undefined;
afterEach(() => {
  vault?.close();
  vault = undefined;
  env?.cleanup();
});

const NUMBER = '5511987650001';

function withVault(store: Store): ContactVault {
  vault = ContactVault.open(join(env.dir, 'contact-keys.db'), randomBytes(32));
  store.contactKeys = vault;
  return vault;
}

const row = (store: Store, id: string) =>
  store.db
    .prepare('SELECT wa_id AS waId, wa_hash AS waHash FROM contacts WHERE id = ?')
    .get(id) as { waId: string; waHash: string | null };

describe('migration 058: contact numbers sealed, found by keyed hash', () => {
  it('stores no number in plain text, yet finds and shows the contact by it', () => {
    env = tempDatabase();
    const store = env.open();
    const keys = withVault(store);
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const id = scoped.contacts.upsert(NUMBER, 'Ana');

    const stored = row(store, id);
    expect(stored.waId).toMatch(/^fgc1:/);
    expect(stored.waId).not.toContain(NUMBER);
    expect(stored.waHash).toBe(keys.hashNumber(ws.id, NUMBER));
    expect(scoped.contacts.upsert(NUMBER, 'Ana')).toBe(id);
    expect(scoped.contacts.byWaId(NUMBER)?.id).toBe(id);
    // A number typed the way people write it finds the same contact.
    expect(scoped.contacts.byWaId('+55 11 98765-0001')?.id).toBe(id);
    expect(scoped.contacts.get(id)?.waId).toBe(NUMBER);
    expect(scoped.contacts.identifiers()).toEqual([
      { id, waId: NUMBER, profileName: 'Ana' },
    ]);

    // Another workspace's hash of the same number differs: no lookup crosses.
    const other = store.workspaces.create('Other');
    expect(store.in(workspaceScope(other.id)).contacts.byWaId(NUMBER)).toBeUndefined();
    expect(keys.hashNumber(other.id, NUMBER)).not.toBe(stored.waHash);

    // Once the key is destroyed (an erasure), the number cannot be read.
    keys.destroyContactKey(ws.id, id);
    expect(scoped.contacts.get(id)?.waId).toBe(SHREDDED_TEXT);
    store.close();
  });

  it('keeps numbers written before it plain and findable until the first start seals them', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 57);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w1', 'Old', 1)`,
    ).run();
    const old = contactBefore58(db, 'w1', NUMBER, 'Ana');
    // The same number written two ways by an old tool: one hash, one row sealed.
    const twin = contactBefore58(db, 'w1', `+${NUMBER}`);

    expect(migrate(db)).toContain(58);
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(58);
    expect(migrate(db)).toEqual([]);
    const store = new Store(db);
    const scoped = store.in(workspaceScope('w1'));
    expect(row(store, old)).toEqual({ waId: NUMBER, waHash: null });

    const keys = withVault(store);
    expect(scoped.contacts.byWaId(NUMBER)?.id).toBe(old);
    expect(scoped.contacts.upsert(NUMBER, null)).toBe(old);

    expect(scoped.contacts.sealPlainNumbers()).toBe(1);
    expect(row(store, old).waId).toMatch(/^fgc1:/);
    expect(row(store, old).waHash).toBe(keys.hashNumber('w1', NUMBER));
    expect(row(store, twin)).toEqual({ waId: `+${NUMBER}`, waHash: null });
    expect(scoped.contacts.byWaId(NUMBER)?.id).toBe(old);
    expect(scoped.contacts.get(old)).toMatchObject({ waId: NUMBER, profileName: 'Ana' });
    expect(scoped.contacts.sealPlainNumbers()).toBe(0);
    store.close();
  });

  it('keeps numbers plain without a vault (command-line tools, the bench builder)', () => {
    env = tempDatabase();
    const store = env.open();
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const id = scoped.contacts.upsert(NUMBER, null);
    expect(row(store, id)).toEqual({ waId: NUMBER, waHash: null });
    expect(scoped.contacts.byWaId(NUMBER)?.id).toBe(id);
    expect(scoped.contacts.sealPlainNumbers()).toBe(0);
    store.close();
  });

  it("seals a status report's recipient and payload under the contact's key", () => {
    env = tempDatabase();
    const store = env.open();
    const keys = withVault(store);
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const number = saveTestNumber(scoped);
    scoped.contacts.upsert(NUMBER, null);
    const report = (waMessageId: string, recipientId: string) => ({
      numberId: number.id,
      waMessageId,
      status: 'delivered',
      occurredAt: 1000,
      recipientId,
      errorCode: null,
      errorTitle: null,
      rawJson: JSON.stringify({ recipient_id: recipientId, status: 'delivered' }),
    });
    scoped.messages.applyStatus(report('wamid.a', NUMBER));
    scoped.messages.applyStatus(report('wamid.b', '5511900000099'));

    const kept = store.db
      .prepare(
        `SELECT wa_message_id AS id, recipient_id AS recipient, recipient_hash AS hash,
           raw_json AS raw FROM message_statuses ORDER BY wa_message_id`,
      )
      .all() as { id: string; recipient: string; hash: string; raw: string }[];
    expect(kept[0]).toMatchObject({
      id: 'wamid.a',
      hash: keys.hashNumber(ws.id, NUMBER),
    });
    expect(kept[0]?.recipient).toMatch(/^fgc1:/);
    expect(kept[0]?.raw).toMatch(/^fgc1:/);
    expect(JSON.stringify(kept[0])).not.toContain(NUMBER);
    // No such contact here: nothing to seal it with; the hash still names it.
    expect(kept[1]).toMatchObject({ id: 'wamid.b', recipient: '5511900000099' });
    expect(kept[1]?.hash).toBe(keys.hashNumber(ws.id, '5511900000099'));
    store.close();
  });

  it('seals a kept webhook value naming one contact, and keeps a redelivery once', () => {
    env = tempDatabase();
    const store = env.open();
    const keys = withVault(store);
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const number = saveTestNumber(scoped);
    const value = JSON.stringify({
      user_preferences: [{ wa_id: NUMBER, value: 'stop' }],
    });
    // Kept before the customer is a contact here: nothing to seal it with.
    expect(scoped.webhookEvents.keep(number.id, 'user_preferences', value)).toBe(true);
    scoped.contacts.upsert(NUMBER, null);
    expect(scoped.webhookEvents.keep(number.id, 'user_preferences', value)).toBe(false);
    const other = JSON.stringify({ user_preferences: [{ wa_id: NUMBER, value: 'go' }] });
    expect(scoped.webhookEvents.keep(number.id, 'user_preferences', other)).toBe(true);
    // Two customers in one value: sealed for neither, found by number.
    const both = JSON.stringify({
      messages: [{ from: NUMBER }, { from: '5511900000099' }],
    });
    expect(scoped.webhookEvents.keep(number.id, 'messages', both)).toBe(true);

    const kept = store.db
      .prepare(
        `SELECT field, raw_json AS raw, contact_hash AS hash FROM webhook_events
         ORDER BY received_at, rowid`,
      )
      .all() as { field: string; raw: string; hash: string | null }[];
    expect(kept.map((k) => [k.raw.startsWith('fgc1:'), k.hash !== null])).toEqual([
      [false, false],
      [true, true],
      [false, false],
    ]);
    expect(kept[1]?.hash).toBe(keys.hashNumber(ws.id, NUMBER));
    expect(kept[1]?.raw).not.toContain(NUMBER);
    expect(scoped.webhookEvents.list('user_preferences').map((k) => k.rawJson)).toEqual([
      value,
      other,
    ]);
    store.close();
  });

  it("erases a restored row's status reports and kept values by hash once its key is gone", () => {
    env = tempDatabase();
    const store = env.open();
    const keys = withVault(store);
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const number = saveTestNumber(scoped);
    const contactId = scoped.contacts.upsert(NUMBER, 'Ana');
    scoped.messages.applyStatus({
      numberId: number.id,
      waMessageId: 'wamid.a',
      status: 'delivered',
      occurredAt: 1000,
      recipientId: NUMBER,
      errorCode: null,
      errorTitle: null,
      rawJson: JSON.stringify({ recipient_id: NUMBER }),
    });
    const value = JSON.stringify({ user_preferences: [{ wa_id: NUMBER }] });
    scoped.webhookEvents.keep(number.id, 'user_preferences', value);
    // As a restore of a point before the erasure finds it: the key is gone.
    keys.destroyContactKey(ws.id, contactId);

    const target = scoped.erasure.target(contactId)!;
    expect(target).toMatchObject({
      waId: SHREDDED_TEXT,
      numberHash: keys.hashNumber(ws.id, NUMBER),
    });
    expect(scoped.erasure.erase(target)).toMatchObject({ statuses: 1, webhookEvents: 1 });
    const left = (table: string) =>
      store.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    expect([left('message_statuses'), left('webhook_events'), left('contacts')]).toEqual([
      0, 0, 0,
    ]);
    store.close();
  });
});
