import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceScope } from '@flowgento/store';
import {
  buildFieldWebhook,
  FIXTURE_CUSTOMER,
  FIXTURE_NEW_NUMBER,
  OUTBOUND_IDS,
  type CloudApiSimulator,
  type MessageContent,
} from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import {
  expectApiError,
  startTestAppliance,
  tableDigests,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import {
  outboundInFlight,
  post,
  simulatedTarget,
  type FixtureTarget,
} from './webhook-kinds-support.ts';
import { contactIdOf, opened, statusPayload } from './sealed.ts';

/**
 * Every kind of webhook the Cloud API sends, from the documented shapes,
 * signed by the simulator and posted over HTTPS: each is acknowledged, stored
 * once, and reaches the agent's thread in a form they can read.
 */
let t: TestAppliance;
let agent: ApiClient;
let target: FixtureTarget;
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;

interface ThreadMessage {
  waMessageId: string | null;
  type: string;
  body: string | null;
  status: string;
  errorCode: number | null;
  replyToWaMessageId: string | null;
  content: {
    content: MessageContent;
    referral: { headline: string | null } | null;
  } | null;
}

async function thread(): Promise<ThreadMessage[]> {
  const conversations =
    await agent.query<{ id: string; contact: { waId: string } }[]>('inbox.conversations');
  const ana = conversations.find((c) => c.contact.waId === FIXTURE_CUSTOMER.from)!;
  const opened = await agent.query<{ messages: ThreadMessage[] }>('inbox.conversation', {
    conversationId: ana.id,
  });
  return opened.messages;
}

const count = (sql: string): number =>
  app().appliance.store.db.prepare(sql).pluck().get() as number;

beforeAll(async () => {
  t = await startTestAppliance();
  const owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  target = await simulatedTarget(app(), owner);
  // The business messages the statuses and replies refer to.
  const outbound = outboundInFlight(app(), target);
  outbound.send(OUTBOUND_IDS.delivered).accept();
  outbound.send(OUTBOUND_IDS.failed).accept();
  for (const fixture of target.fixtures) {
    expect(await post(simulator(), target, fixture), fixture.name).toBe(200);
  }
});
afterAll(() => t.cleanup());

describe('every inbound kind', () => {
  it('is stored once per message, and only messages count as messages', async () => {
    const messages = await thread();
    const inbound = messages.filter((m) => m.content !== null);
    expect(inbound.map((m) => m.waMessageId?.replace('wamid.FIXTURE.', ''))).toEqual([
      'TEXT',
      'IMAGE',
      'AUDIO',
      'VIDEO',
      'DOCUMENT',
      'STICKER',
      'LOCATION',
      'CONTACTS',
      'BUTTON_REPLY',
      'LIST_REPLY',
      'BUTTON',
      'REACTION',
      'ORDER',
      'REFERRAL',
      'REPLY',
      'SYSTEM',
      'UNSUPPORTED',
      'UNKNOWN',
    ]);
    // Two business messages besides; the statuses added no message.
    expect(count('SELECT count(*) FROM messages')).toBe(20);
  });

  it('shows the agent each kind in words', async () => {
    const byId = new Map((await thread()).map((m) => [m.waMessageId, m]));
    const shown = (name: string) => byId.get(`wamid.FIXTURE.${name}`)!;
    expect(shown('LOCATION')).toMatchObject({
      body: 'Loja Centro, Rua Augusta 100, São Paulo',
      content: { content: { kind: 'location', latitude: -23.5505 } },
    });
    expect(shown('CONTACTS').body).toBe('Bruno Lima');
    expect(shown('BUTTON_REPLY').body).toBe('Track order');
    expect(shown('LIST_REPLY').body).toBe('Return an item, Within 30 days');
    expect(shown('BUTTON')).toMatchObject({
      body: 'Yes, reschedule',
      replyToWaMessageId: OUTBOUND_IDS.delivered,
    });
    expect(shown('REACTION').content?.content).toEqual({
      kind: 'reaction',
      emoji: '👍',
      messageId: 'wamid.FIXTURE.TEXT',
    });
    expect(shown('ORDER').content?.content).toMatchObject({
      kind: 'order',
      items: [{ productId: 'SKU-42', quantity: 2 }],
    });
    expect(shown('REFERRAL').content?.referral?.headline).toBe('Winter sale');
    expect(shown('REPLY').replyToWaMessageId).toBe(OUTBOUND_IDS.delivered);
    expect(shown('UNSUPPORTED').content?.content).toMatchObject({
      kind: 'unsupported',
      errors: [{ code: 131051, title: 'Message type unknown' }],
    });
    expect(shown('UNKNOWN')).toMatchObject({
      type: 'hologram',
      content: { content: { kind: 'unsupported', type: 'hologram' } },
    });
  });

  it('keeps each message as Meta sent it, unknown fields included', () => {
    const store = app().appliance.store;
    const row = store.db
      .prepare(
        `SELECT m.id, m.workspace_id AS workspaceId, v.contact_id AS contactId, m.raw_json AS raw
         FROM messages m JOIN conversations v ON v.id = m.conversation_id
         WHERE m.wa_message_id = 'wamid.FIXTURE.UNKNOWN'`,
      )
      .get() as { id: string; workspaceId: string; contactId: string; raw: string };
    // Sealed under the contact's key: read as the repository would.
    const raw = opened(store, { ...row, table: 'messages' }, 'raw_json', row.raw);
    expect(JSON.parse(String(raw))).toMatchObject({ hologram: { depth: 3 } });
  });

  it('links the contact of a new number to the customer who moved', async () => {
    const scoped = app().appliance.store.in(workspaceScope(target.workspaceId));
    const moved = contactIdOf(app().appliance.store, FIXTURE_NEW_NUMBER)!;
    expect(scoped.contacts.previousOf(moved)?.waId).toBe(FIXTURE_CUSTOMER.from);

    // Ana writes from her new number: the agent is told where she wrote before.
    await simulator().sendCustomerEvent({
      phoneNumberId: target.origin.phoneNumberId,
      from: FIXTURE_NEW_NUMBER,
      profileName: FIXTURE_CUSTOMER.profileName,
      event: { type: 'text', body: 'It is me, Ana, on my new number' },
    });
    const conversations =
      await agent.query<{ id: string; contact: { waId: string } }[]>(
        'inbox.conversations',
      );
    const fresh = conversations.find((c) => c.contact.waId === FIXTURE_NEW_NUMBER)!;
    const opened = await agent.query<{ previousWaId: string | null }>(
      'inbox.conversation',
      { conversationId: fresh.id },
    );
    expect(opened.previousWaId).toBe(FIXTURE_CUSTOMER.from);
  });

  it('moves business messages by their statuses, failed with its code', async () => {
    const byId = new Map((await thread()).map((m) => [m.waMessageId, m]));
    expect(byId.get(OUTBOUND_IDS.delivered)).toMatchObject({ status: 'delivered' });
    expect(byId.get(OUTBOUND_IDS.failed)).toMatchObject({
      status: 'failed',
      errorCode: 131026,
    });
    const pricing = statusPayload(app().appliance.store, 'delivered')!;
    expect(JSON.parse(pricing)).toMatchObject({ pricing: { category: 'service' } });
  });

  it("keeps Meta's errors for the number and unhandled fields, each once", async () => {
    for (const name of ['value_errors', 'account_update']) {
      const fixture = target.fixtures.find((f) => f.name === name)!;
      expect(await post(simulator(), target, fixture)).toBe(200);
    }
    expect(count('SELECT count(*) FROM whatsapp_errors WHERE code = 131045')).toBe(1);
    expect(
      count(`SELECT count(*) FROM webhook_events WHERE field = 'account_update'`),
    ).toBe(1);
  });

  it('acknowledges a field it has never heard of, with any shape, and keeps it', async () => {
    const odd = buildFieldWebhook(target.origin, 'brand_new_field', {
      metadata: { phone_number_id: target.origin.phoneNumberId },
      list: [1, 'two', { three: null }],
    });
    expect(await simulator().postWebhook(target.origin.phoneNumberId, odd)).toBe(200);
    expect(
      count(`SELECT count(*) FROM webhook_events WHERE field = 'brand_new_field'`),
    ).toBe(1);
  });

  it('keeps a messages value whole when it carries fields the rows do not keep', async () => {
    const text = target.fixtures.find((f) => f.name === 'text')!;
    const body = structuredClone(text.body);
    const value = body.entry[0]!.changes[0]!.value;
    value['new_list'] = [{ anything: true }];
    (value['contacts'] as Record<string, unknown>[])[0]!['user_id'] = 'BR.123';
    value['messages'] = [
      {
        ...(value['messages'] as Record<string, unknown>[])[0]!,
        id: 'wamid.MORE',
      },
    ];
    expect(await simulator().postWebhook(target.origin.phoneNumberId, body)).toBe(200);
    expect(await simulator().postWebhook(target.origin.phoneNumberId, body)).toBe(200);
    const kept = app()
      .appliance.store.in(workspaceScope(target.workspaceId))
      .webhookEvents.list('messages');
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0]!.rawJson)).toMatchObject({
      new_list: [{ anything: true }],
      contacts: [{ user_id: 'BR.123' }],
    });
  });

  it('keeps a field sent per business account under that account’s number', async () => {
    const review = buildFieldWebhook(target.origin, 'account_review_update', {
      decision: 'APPROVED',
    });
    expect(await simulator().postWebhook(target.origin.phoneNumberId, review)).toBe(200);
    const kept = app()
      .appliance.store.in(workspaceScope(target.workspaceId))
      .webhookEvents.list('account_review_update');
    expect(kept).toEqual([
      {
        numberId: target.numberId,
        field: 'account_review_update',
        rawJson: '{"decision":"APPROVED"}',
      },
    ]);
  });

  it('does not count status-only deliveries as messages or unread', async () => {
    const before = {
      messages: count('SELECT count(*) FROM messages'),
      unread: count('SELECT sum(unread_count) FROM conversations'),
    };
    for (const fixture of target.fixtures.filter((f) => f.name.startsWith('status_'))) {
      expect(await post(simulator(), target, fixture)).toBe(200);
    }
    expect(count('SELECT count(*) FROM messages')).toBe(before.messages);
    expect(count('SELECT sum(unread_count) FROM conversations')).toBe(before.unread);
  });
});

describe('the simulator panel', () => {
  const kinds = [
    'location',
    'contacts',
    'button_reply',
    'list_reply',
    'order',
    'unsupported',
  ];

  it('sends each sample kind as a customer, and the agent reads it', async () => {
    for (const kind of kinds) {
      await agent.mutate('simulator.customerEvent', {
        numberId: target.numberId,
        from: '919876543210',
        profileName: 'Priya Customer',
        kind,
      });
    }
    const conversations =
      await agent.query<{ id: string; contact: { waId: string } }[]>(
        'inbox.conversations',
      );
    const priya = conversations.find((c) => c.contact.waId === '919876543210')!;
    const opened = await agent.query<{ messages: ThreadMessage[] }>(
      'inbox.conversation',
      { conversationId: priya.id },
    );
    expect(opened.messages.map((m) => m.content?.content.kind)).toEqual([
      'location',
      'contacts',
      'interactive',
      'interactive',
      'order',
      'unsupported',
    ]);
    expect(opened.messages[3]?.body).toBe('Tuesday 10:00, Dr. Mehta, room 4');
  });

  it('refuses a kind it has no sample of, naming the field, and changes nothing', async () => {
    const before = tableDigests(app(), ['sessions']);
    const error = await expectApiError(
      agent.mutate('simulator.customerEvent', {
        numberId: target.numberId,
        from: '919876543210',
        profileName: 'Priya Customer',
        kind: 'hologram',
      }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^Kind must be one of: /);
    expect(tableDigests(app(), ['sessions'])).toEqual(before);
  });
});
