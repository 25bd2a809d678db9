import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ContactVault,
  migrate,
  openEncryptedDatabase,
  SHREDDED_TEXT,
  Store,
  workspaceScope,
} from '../src/index.ts';
import { saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
let vault: ContactVault | undefined;
afterEach(() => {
  vault?.close();
  vault = undefined;
  env?.cleanup();
});

const NUMBER = '5511987650001';
const errorNaming = (details: string) => ({
  code: 131026,
  title: 'Message undeliverable',
  message: 'Message undeliverable',
  rawJson: JSON.stringify({ code: 131026, error_data: { details } }),
});

describe('migration 067: errors Meta reported that name a contact are sealed', () => {
  it('keeps older errors as they were, and the erasure still finds them by the number', () => {
    env = tempDatabase();
    const db = openEncryptedDatabase({ path: env.path, key: env.key });
    migrate(db, 65);
    db.prepare(
      `INSERT INTO workspaces (id, name, created_at) VALUES ('w1', 'Old', 1)`,
    ).run();
    db.prepare(
      `INSERT INTO whatsapp_numbers (id, workspace_id, phone_number_id, business_account_id,
         display_phone_number, access_token_wrapped, app_secret_wrapped,
         verify_token_wrapped, verify_token_hash, simulated, created_at, updated_at)
       VALUES ('n1', 'w1', '1', '2', '+1', x'00', x'00', x'00', 'h', 0, 1, 1)`,
    ).run();
    const old = db.prepare(
      `INSERT INTO whatsapp_errors (id, workspace_id, number_id, code, title, raw_json,
         received_at, digest) VALUES (?, 'w1', 'n1', 1, 't', ?, 1, ?)`,
    );
    old.run('e1', `{"details":"not sent to ${NUMBER}"}`, 'd1');
    // A longer number that merely contains the contact's is someone else's.
    old.run('e2', `{"details":"not sent to 9${NUMBER}"}`, 'd2');

    expect(migrate(db)).toContain(67);
    const store = new Store(db);
    const keys = withVault(store);
    const scoped = store.in(workspaceScope('w1'));
    const contactId = scoped.contacts.upsert(NUMBER, 'Ana');
    const target = scoped.erasure.target(contactId)!;
    expect(target.numberHash).toBe(keys.hashNumber('w1', NUMBER));
    expect(scoped.erasure.erase(target)).toMatchObject({ errors: 1 });
    expect(store.db.prepare('SELECT id FROM whatsapp_errors').pluck().all()).toEqual([
      'e2',
    ]);
    store.close();
  });

  it('seals an error naming one contact, and erases it by hash once the key is gone', () => {
    env = tempDatabase();
    const store = env.open();
    const keys = withVault(store);
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const number = saveTestNumber(scoped);
    const contactId = scoped.contacts.upsert(NUMBER, 'Ana');
    const other = scoped.contacts.upsert('5511987650002', 'Bia');
    expect(other).not.toBe(contactId);

    const named = errorNaming(`Message failed to send to ${NUMBER}.`);
    expect(scoped.numbers.recordWebhookError(number.id, named)).toBe(true);
    expect(scoped.numbers.recordWebhookError(number.id, named)).toBe(false);
    const unnamed = errorNaming('Certificate expired');
    expect(scoped.numbers.recordWebhookError(number.id, unnamed)).toBe(true);
    const both = errorNaming(`Sent to ${NUMBER} and 5511987650002`);
    expect(scoped.numbers.recordWebhookError(number.id, both)).toBe(true);
    const rows = () =>
      store.db
        .prepare(
          `SELECT raw_json AS raw, contact_hash AS hash FROM whatsapp_errors
             ORDER BY received_at, rowid`,
        )
        .all() as { raw: string; hash: string | null }[];
    const [sealed, plain, several] = rows();
    expect(sealed!.raw).not.toContain(NUMBER);
    expect(sealed!.hash).toBe(keys.hashNumber(ws.id, NUMBER));
    expect(plain).toEqual({ raw: unnamed.rawJson, hash: null });
    // Naming two contacts, it cannot be sealed for one: kept as it came.
    expect(several).toEqual({ raw: both.rawJson, hash: null });

    // As a restore of a point before the erasure finds it: the key is gone.
    keys.destroyContactKey(ws.id, contactId);
    const target = scoped.erasure.target(contactId)!;
    expect(target.waId).toBe(SHREDDED_TEXT);
    expect(scoped.erasure.erase(target)).toMatchObject({ errors: 1 });
    expect(rows().map((r) => r.raw)).toEqual([unnamed.rawJson, both.rawJson]);
    store.close();
  });
});

describe('numbers written in groups', () => {
  it('seals an error quoting the number grouped, and erases an old plain one written so', () => {
    env = tempDatabase();
    const store = env.open();
    withVault(store);
    const ws = store.workspaces.create('Acme');
    const scoped = store.in(workspaceScope(ws.id));
    const number = saveTestNumber(scoped);
    const contactId = scoped.contacts.upsert(NUMBER, 'Ana');
    const grouped = errorNaming('fmt dandelion from +55 11 98765-0001');
    expect(scoped.numbers.recordWebhookError(number.id, grouped)).toBe(true);
    const stored = store.db.prepare('SELECT raw_json FROM whatsapp_errors').pluck().get();
    expect(stored).not.toContain('dandelion');
    // As an older version kept it: plain, quoting the number in groups.
    store.db
      .prepare(
        `INSERT INTO whatsapp_errors (id, workspace_id, number_id, code, title, raw_json,
           received_at, digest) VALUES ('old', ?, ?, 1, 't', ?, 1, 'd-old')`,
      )
      .run(ws.id, number.id, '{"details":"to (55) 11 98765.0001 failed"}');

    const target = scoped.erasure.target(contactId)!;
    expect(store.transaction(() => scoped.erasure.erase(target))).toMatchObject({
      errors: 2,
    });
    expect(store.db.prepare('SELECT count(*) FROM whatsapp_errors').pluck().get()).toBe(
      0,
    );
    store.close();
  });
});

function withVault(store: Store): ContactVault {
  vault = ContactVault.open(join(env.dir, 'contact-keys.db'), randomBytes(32));
  store.contactKeys = vault;
  return vault;
}
