import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '@flowgento/core';
import { localFolderFor } from '@flowgento/storage';
import { workspaceScope } from '@flowgento/store';
import { folderFlags, runCli } from './cli-run.ts';
import { OWNER, setupOwner } from './flows.ts';
import {
  ApiClient,
  expectApiError,
  startTestAppliance,
  TestClock,
  type TestAppliance,
} from './harness.ts';
import { opened } from './sealed.ts';
import { contactIdOf } from './sealed.ts';

/**
 * The retention rules beyond conversations, through the running appliance:
 * a legal hold keeps what a rule would remove until it is released; the
 * media rule removes files but keeps their messages; the inactivity purge
 * warns first, is cancelled by a reply, and purges 48 hours after notice.
 * The intake worker stamps no message later than its own clock, so "old"
 * messages are written with the clock turned a month back, then moved on.
 */

const clock = new TestClock();
let t: TestAppliance;
let owner: ApiClient;
let phoneNumberId: string;
const db = () => t.running.appliance.store.db;

async function signIn(): Promise<ApiClient> {
  const client = new ApiClient(() => t.running);
  await client.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
  return client;
}

async function until<T>(what: string, read: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const rowOf = (sql: string, ...args: unknown[]) =>
  db()
    .prepare(sql)
    .get(...args) as Record<string, unknown> | undefined;

async function sendsImage(from: string) {
  await t.running.simulator!.sendCustomerMedia({
    from,
    profileName: 'Ravi',
    phoneNumberId,
    kind: 'image',
    bytes: randomBytes(20_000),
    mimeType: 'image/jpeg',
  });
  return until(`the file from ${from}`, () =>
    rowOf(
      `SELECT m.id, m.object_key AS objectKey, c.id AS conversationId FROM media m
       JOIN messages g ON g.id = m.message_id JOIN conversations c ON c.id = g.conversation_id
       JOIN contacts k ON k.id = c.contact_id WHERE k.id = ? AND m.state = 'stored'`,
      contactIdOf(t.running.appliance.store, from) ?? '',
    ),
  ) as Promise<{ id: string; objectKey: string; conversationId: string }>;
}

async function writes(from: string, text: string) {
  // Bodies are sealed under the contact's key: wait for one more message.
  const count = () =>
    (rowOf(
      `SELECT count(*) AS n FROM messages g JOIN conversations c ON c.id = g.conversation_id
       JOIN contacts k ON k.id = c.contact_id WHERE k.id = ?`,
      contactIdOf(t.running.appliance.store, from) ?? '',
    )?.n ?? 0) as number;
  const before = count();
  await t.running.simulator!.sendCustomerMessage({
    from,
    profileName: 'Ravi',
    phoneNumberId,
    text,
  });
  await until(`the message from ${from}`, () => (count() > before ? true : undefined));
  return { contactId: contactIdOf(t.running.appliance.store, from)! };
}

const mediaFiles = () => {
  const folder = localFolderFor(t.config.dataDir, 'media-hot');
  return existsSync(folder) ? readdirSync(folder, { recursive: true }).map(String) : [];
};
const actions = (action: string) =>
  db().prepare('SELECT count(*) FROM audit_log WHERE action = ?').pluck().get(action);

beforeAll(async () => {
  t = await startTestAppliance({}, { clock });
  owner = await setupOwner(() => t.running);
  ({ phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  ));
});
afterAll(() => t?.cleanup());

describe('retention rules', () => {
  it('keeps a held file past its rule until the hold is released, and keeps the message of a removed file', async () => {
    clock.advance(-31 * DAY_MS);
    const held = await sendsImage('5511911110001');
    const loose = await sendsImage('5511911110002');
    clock.advance(31 * DAY_MS);
    owner = await signIn();

    const hold = await owner.mutate<{ id: string }>('retention.placeHold', {
      conversationId: held.conversationId,
      reason: 'Consumer court summons 44/2026',
    });
    await owner.mutate('retention.setRule', { category: 'media', days: 30 });
    const counts = await owner.mutate('retention.run', {});
    expect(counts).toMatchObject({ media: 1, mediaObjects: 1, conversations: 0 });

    expect(
      rowOf('SELECT state, failure_reason AS why FROM media WHERE id = ?', loose.id),
    ).toEqual({
      state: 'failed',
      why: 'removed_by_retention',
    });
    expect(
      rowOf(
        'SELECT count(*) AS n FROM messages WHERE conversation_id = ?',
        loose.conversationId,
      ),
    ).toEqual({ n: 1 });
    // The agent still sees the message, and why its file is gone.
    const thread = await owner.query<{
      messages: { media: { state: string; failureReason: string | null } | null }[];
    }>('inbox.conversation', { conversationId: loose.conversationId });
    expect(thread.messages.map((m) => m.media)).toEqual([
      expect.objectContaining({ state: 'failed', failureReason: 'removed_by_retention' }),
    ]);
    const files = mediaFiles().join('\n');
    expect(files).toContain(held.id);
    expect(files).not.toContain(loose.id);

    const overview = await owner.query<{ holds: { id: string; reason: string }[] }>(
      'retention.overview',
    );
    expect(overview.holds).toEqual([
      expect.objectContaining({ id: hold.id, reason: 'Consumer court summons 44/2026' }),
    ]);

    // Erasure asks the same question, and is told which hold and why.
    const ws = rowOf('SELECT id FROM workspaces') as { id: string };
    expect(() =>
      t.running.services.legalHolds.assertNoLegalHold(workspaceScope(ws.id), {
        conversationId: held.conversationId,
      }),
    ).toThrow(
      expect.objectContaining({
        reason: 'legal_hold_active',
        message: expect.stringContaining('Consumer court summons 44/2026') as string,
      }) as Error,
    );

    await owner.mutate('retention.releaseHold', {
      holdId: hold.id,
      reason: 'Inquiry closed',
    });
    expect(await owner.mutate('retention.run', { dryRun: true })).toMatchObject({
      media: 1,
    });
    expect(mediaFiles().join('\n')).toContain(held.id);
    await owner.mutate('retention.run', {});
    expect(mediaFiles().join('\n')).not.toContain(held.id);
    await owner.mutate('retention.removeRule', { category: 'media' });
  });

  it('warns an inactive contact, cancels when they write again, and purges the silent one 48 hours after notice', async () => {
    const number = rowOf('SELECT business_account_id AS waba FROM whatsapp_numbers') as {
      waba: string;
    };
    t.running.simulator!.setTemplates(number.waba, [
      {
        id: '910000000000001',
        name: 'data_retention_notice',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        components: [
          { type: 'BODY', text: 'We will delete our chat history with you in 2 days.' },
        ],
      },
      {
        id: '910000000000002',
        name: 'order_update',
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        components: [{ type: 'BODY', text: 'Order {{1}} shipped.' }],
      },
    ]);
    await owner.mutate('templates.sync');
    const templateId = (name: string) =>
      (rowOf('SELECT id FROM message_templates WHERE name = ?', name) as { id: string })
        .id;

    const missing = await expectApiError(
      owner.mutate('retention.setRule', { category: 'inactive_contacts', days: 30 }),
    );
    expect(missing.reason).toBe('retention_notice_template_missing');
    const withVariables = await expectApiError(
      owner.mutate('retention.setRule', {
        category: 'inactive_contacts',
        days: 30,
        noticeTemplateId: templateId('order_update'),
      }),
    );
    expect(withVariables.reason).toBe('retention_notice_template_missing');

    clock.advance(-31 * DAY_MS);
    const silent = await writes('5511922220001', 'Hello once');
    const returning = await writes('5511922220002', 'Hello once too');
    clock.advance(31 * DAY_MS);
    owner = await signIn();
    await owner.mutate('retention.setRule', {
      category: 'inactive_contacts',
      days: 30,
      noticeTemplateId: templateId('data_retention_notice'),
    });

    expect(await owner.mutate('retention.run', {})).toMatchObject({ contactsNoticed: 4 });
    const templates = db()
      .prepare(
        `SELECT m.id, m.workspace_id AS workspaceId, v.contact_id AS contactId, m.body
         FROM messages m JOIN conversations v ON v.id = m.conversation_id
         WHERE m.type = 'template'`,
      )
      .all() as { id: string; workspaceId: string; contactId: string; body: string }[];
    const store = t.running.appliance.store;
    const notices = templates.filter((row) =>
      String(opened(store, { ...row, table: 'messages' }, 'body', row.body)).includes(
        'delete our chat',
      ),
    );
    expect(notices).toHaveLength(4);
    expect(actions('retention.purge_noticed')).toBe(4);

    await writes('5511922220002', 'Please keep my history');
    clock.advance(49 * HOUR_MS);
    owner = await signIn();
    expect(await owner.mutate('retention.run', {})).toMatchObject({
      purgesCancelled: 1,
      contactsPurged: 3,
    });
    expect(
      rowOf('SELECT id FROM contacts WHERE id = ?', silent.contactId),
    ).toBeUndefined();
    expect(
      rowOf('SELECT id FROM contacts WHERE id = ?', returning.contactId),
    ).toBeDefined();
    expect(actions('retention.purge_cancelled')).toBe(1);
  }, 60_000);

  it('runs from the command line, dry first, by the machine clock', async () => {
    clock.advance(-49 * HOUR_MS - 40 * DAY_MS);
    await writes('5511933330001', 'An old question');
    clock.advance(40 * DAY_MS);
    owner = await signIn();
    await owner.mutate('retention.setRule', { category: 'conversations', days: 30 });
    const flags = folderFlags(t);
    await t.stop();
    try {
      const dry = await runCli(['retention', 'run', '--dry-run', ...flags]);
      expect(dry.stdout).toMatch(/would remove 1 conversation, /);
      const real = await runCli(['retention', 'run', ...flags]);
      expect(real).toMatchObject({ code: 0 });
      expect(real.stdout).toMatch(/removed 1 conversation, 0 media files/);
    } finally {
      await t.start();
    }
    expect(
      rowOf(
        `SELECT count(*) AS n FROM contacts k JOIN conversations c ON c.contact_id = k.id
         WHERE k.id = ?`,
        contactIdOf(t.running.appliance.store, '5511933330001') ?? '',
      ),
    ).toEqual({ n: 0 });
  }, 60_000);
});
