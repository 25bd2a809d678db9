import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openEncryptedDatabase,
  SearchIndex,
  SHREDDED_TEXT,
  Store,
  workspaceScope,
  type Db,
} from '@flowgento/store';
import {
  buildMediaWebhook,
  buildPreferenceWebhook,
  buildStatusWebhook,
  buildValueErrorsWebhook,
} from '@flowgento/whatsapp';
import {
  deliverText,
  newWamid,
  postSigned,
  REAL_NUMBER,
  setupOwner,
  startGraphRecorder,
} from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { contactIdOf } from './sealed.ts';

/**
 * Issue 8's "yesterday's backup": a database copied before an erasure and
 * opened directly with the database key, with no start and so no ledger
 * re-apply, holds nothing readable of the erased contact (its key is gone
 * from the vault): not its texts, name or number, nor the status reports,
 * kept webhook values and errors Meta reported that named it; the other
 * contacts read normally through the repositories.
 */

const ERASED_MARK = `ZQXA-${randomBytes(4).toString('hex')}`;
const KEPT_MARK = `ZQXB-${randomBytes(4).toString('hex')}`;
const FILE_MARK = `ZQXF-${randomBytes(4).toString('hex')}`;
const ERASED = '5511900000011';
const KEPT = '5511900000012';
let t: TestAppliance;
let owner: ApiClient;
let folder: string;
let yesterday: Db;
let graph: Awaited<ReturnType<typeof startGraphRecorder>>;

beforeAll(async () => {
  graph = await startGraphRecorder();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  // Sends and file fetches go to a loopback stand-in for the Graph API.
  t.config.whatsapp.graphApiBaseUrl = graph.baseUrl;
  await t.restart();
  owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  folder = mkdtempSync(join(tmpdir(), 'fg-yesterday-'));
}, 60_000);

afterAll(async () => {
  if (yesterday?.open) yesterday.close();
  await t.cleanup();
  await graph.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Every value of every table holding `mark`, as `table.column`. */
function tracesOf(db: Db, mark: string): string[] {
  const tables = db
    .prepare(
      `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    )
    .pluck()
    .all() as string[];
  const found: string[] = [];
  for (const table of tables) {
    const columns = db
      .prepare(`SELECT name FROM pragma_table_info(?)`)
      .pluck()
      .all(table) as string[];
    for (const column of columns) {
      const hits = db
        .prepare(
          `SELECT count(*) FROM "${table}" WHERE instr(CAST("${column}" AS TEXT), ?) > 0`,
        )
        .pluck()
        .get(mark) as number;
      if (hits > 0) found.push(`${table}.${column}`);
    }
  }
  return found;
}

describe('a database copied before an erasure', () => {
  it("cannot be read for the erased contact, and reads the others' messages normally", async () => {
    await deliverText(t.running, { text: `order ${ERASED_MARK} please`, from: ERASED });
    await deliverText(t.running, { text: `order ${KEPT_MARK} please`, from: KEPT });
    const live = t.running.appliance.store;
    const contactId = contactIdOf(live, ERASED)!;
    // A delivery report for a reply to the contact, and a preference change
    // without a readable time (kept raw, not applied): both name the number.
    const origin = {
      phoneNumberId: REAL_NUMBER.phoneNumberId,
      displayPhoneNumber: REAL_NUMBER.displayPhoneNumber,
    };
    const status = buildStatusWebhook({
      ...origin,
      waMessageId: 'wamid.to-erased',
      status: 'delivered',
      recipientId: ERASED,
      pricingCategory: 'service',
    });
    const preference = buildPreferenceWebhook({ ...origin, waId: ERASED, value: 'stop' });
    const change = preference.entry[0]!.changes[0]!.value as {
      user_preferences: Record<string, unknown>[];
    };
    change.user_preferences[0]!['timestamp'] = 'soon';
    // A document whose file name the customer chose: it names them too.
    const document = buildMediaWebhook({
      ...origin,
      waMessageId: newWamid(),
      from: ERASED,
      profileName: 'Carla Customer',
      kind: 'document',
      mediaId: 'media-of-erased',
      mimeType: 'application/pdf',
      sha256: '00'.repeat(32),
      filename: `${FILE_MARK}-contract.pdf`,
    });
    // An error Meta reports for the number that quotes the customer's.
    const error = buildValueErrorsWebhook(origin, [
      { code: 131026, title: 'Message undeliverable', details: `Not sent to ${ERASED}` },
    ]);
    for (const body of [status, preference, document, error]) {
      const posted = await postSigned(
        t.running,
        Buffer.from(JSON.stringify(body)),
        REAL_NUMBER.appSecret,
      );
      expect(posted.status).toBe(200);
    }
    expect(live.db.prepare('SELECT count(*) FROM message_statuses').pluck().get()).toBe(
      1,
    );
    expect(live.db.prepare('SELECT count(*) FROM webhook_events').pluck().get()).toBe(1);
    expect(live.db.prepare('SELECT count(*) FROM whatsapp_errors').pluck().get()).toBe(1);
    // A reply still waiting in the outbound queue: its payload is sealed too.
    const workspaceId = live.db
      .prepare('SELECT id FROM workspaces')
      .pluck()
      .get() as string;
    const sentBy = live.db.prepare('SELECT id FROM users').pluck().get() as string;
    const scopedLive = live.in(workspaceScope(workspaceId));
    const [conversation] = scopedLive.conversations.listForContact(contactId);
    const reply = `reply ${ERASED_MARK}`;
    const messageId = scopedLive.messages.insertOutbound({
      conversationId: conversation!.id,
      body: reply,
      sentBy,
      rawJson: JSON.stringify({ text: { body: reply } }),
    });
    const jobId = scopedLive.outbound.enqueue({
      messageId,
      kind: 'text',
      payloadJson: JSON.stringify({ body: reply }),
    });
    expect(scopedLive.outbound.get(jobId)?.payloadJson).toContain(ERASED_MARK);
    const [file] = scopedLive.media.listForConversation(conversation!.id);
    expect(file?.filename).toBe(`${FILE_MARK}-contract.pdf`);
    // "Yesterday": a consistent copy, as a snapshot is made (VACUUM INTO).
    const path = join(folder, 'yesterday.db');
    live.db.prepare('VACUUM INTO ?').run(path);

    await owner.mutate('contacts.erase', { contactId, reason: 'request by phone' });

    yesterday = openEncryptedDatabase({ path, key: t.running.appliance.databaseKey });
    // Every table, the search index's words included: they are kept in
    // their own file, outside the database and its backups.
    expect(tracesOf(yesterday, ERASED_MARK)).toEqual([]);
    expect(tracesOf(yesterday, KEPT_MARK)).toEqual([]);
    // Nor the name of the file the contact sent.
    expect(tracesOf(yesterday, FILE_MARK)).toEqual([]);
    // Profile names are sealed too: no row holds the name as text.
    expect(tracesOf(yesterday, 'Carla Customer')).toEqual([]);
    // Nor the number: contacts, status reports and kept values are sealed.
    expect(tracesOf(yesterday, ERASED)).toEqual([]);
    expect(tracesOf(yesterday, KEPT)).toEqual([]);
    expect(yesterday.prepare('SELECT count(*) FROM message_statuses').pluck().get()).toBe(
      1,
    );
    expect(yesterday.prepare('SELECT count(*) FROM webhook_events').pluck().get()).toBe(
      1,
    );
    expect(yesterday.prepare('SELECT count(*) FROM whatsapp_errors').pluck().get()).toBe(
      1,
    );
    // The live database keeps none of them.
    expect(live.db.prepare('SELECT count(*) FROM whatsapp_errors').pluck().get()).toBe(0);
    // The erased contact's rows are still in the copy, only unreadable.
    expect(
      yesterday
        .prepare('SELECT count(*) FROM contacts WHERE id = ?')
        .pluck()
        .get(contactId),
    ).toBe(1);

    const old = new Store(yesterday);
    old.contactKeys = live.contactKeys;
    // Restored, it gets its own search index, built from what it can open.
    SearchIndex.attach(old, {
      path: join(folder, 'yesterday-search.db'),
      key: randomBytes(32),
    }).refresh();
    const scoped = old.in(workspaceScope(workspaceId));
    const list = scoped.conversations.list();
    const byContact = new Map(list.map((c) => [c.contact.id, c]));
    const kept = list.find((c) => c.contact.id !== contactId)!;
    expect(kept).toMatchObject({
      lastMessagePreview: `order ${KEPT_MARK} please`,
      contact: { waId: KEPT, profileName: 'Carla Customer' },
    });
    const [oldFile] = scoped.media.listForConversation(byContact.get(contactId)!.id);
    expect(oldFile?.filename).toBe(SHREDDED_TEXT);
    expect(byContact.get(contactId)).toMatchObject({
      lastMessagePreview: SHREDDED_TEXT,
      contact: { waId: SHREDDED_TEXT, profileName: SHREDDED_TEXT },
    });
    // The kept contact is still found by its number; the erased one is not.
    expect(scoped.contacts.byWaId(KEPT)?.id).toBe(kept.contact.id);
    const [message] = scoped.messages.listForConversation(kept.id);
    expect(message?.body).toBe(`order ${KEPT_MARK} please`);
    const hits = scoped.search.find([{ text: KEPT_MARK, prefix: false }], { limit: 5 });
    expect(hits.map((h) => h.body)).toEqual([`order ${KEPT_MARK} please`]);
  }, 60_000);
});
