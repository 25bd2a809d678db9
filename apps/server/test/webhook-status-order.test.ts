import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspaceScope } from '@flowgento/store';
import { buildStatusWebhook } from '@flowgento/whatsapp';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { REAL_NUMBER, deliverText, postSigned, setupOwner } from './flows.ts';

/**
 * Status webhooks arrive late, early and repeated. Whatever their order, the
 * agent sees the furthest a message got, and a failure with its code.
 */
let t: TestAppliance;
let owner: ApiClient;
const app = () => t.running;
const T0 = 1_780_000_000;

beforeEach(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await deliverText(app(), { text: 'hi' });
});
afterEach(() => t.cleanup());

function report(
  waMessageId: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  atSeconds: number,
  /** Replaces the status's `errors` as sent, for malformed ones. */
  rawErrors?: unknown,
) {
  const body = buildStatusWebhook({
    phoneNumberId: REAL_NUMBER.phoneNumberId,
    displayPhoneNumber: REAL_NUMBER.displayPhoneNumber,
    waMessageId,
    status,
    recipientId: '15550001111',
    timestampSeconds: atSeconds,
    pricingCategory: 'service',
    ...(status === 'failed'
      ? { error: { code: 131026, title: 'Message undeliverable' } }
      : {}),
  });
  if (rawErrors !== undefined) {
    const value = body.entry[0]!.changes[0]!.value as { statuses: object[] };
    value.statuses[0] = { ...value.statuses[0], errors: rawErrors };
  }
  return postSigned(app(), Buffer.from(JSON.stringify(body)), REAL_NUMBER.appSecret);
}

/** A reply the agent wrote, not yet accepted by Meta; `accept` gives it Meta's id. */
function replyInFlight(waMessageId: string) {
  const store = t.running.appliance.store;
  const wsId = store.db.prepare('SELECT id FROM workspaces').pluck().get() as string;
  const scoped = store.in(workspaceScope(wsId));
  const conversation = scoped.conversations.list()[0]!;
  const user = store.db.prepare('SELECT id FROM users').pluck().get() as string;
  const id = store.transaction(() =>
    scoped.messages.insertOutbound({
      conversationId: conversation.id,
      body: 'on its way',
      sentBy: user,
      rawJson: '{}',
    }),
  );
  return {
    accept: () => store.transaction(() => scoped.messages.markAccepted(id, waMessageId)),
    /** The message as the agent's thread shows it. */
    async shown() {
      const opened = await owner.query<{
        messages: { id: string; status: string; errorCode: number | null }[];
      }>('inbox.conversation', { conversationId: conversation.id });
      return opened.messages.find((m) => m.id === id)!;
    },
  };
}

const messageCount = () =>
  t.running.appliance.store.db.prepare('SELECT count(*) FROM messages').pluck().get();

describe('statuses out of order', () => {
  it('keeps a status for a message not known yet and applies it when the send is accepted', async () => {
    const reply = replyInFlight('wamid.EARLY');
    expect((await report('wamid.EARLY', 'delivered', T0 + 1)).status).toBe(200);
    expect((await report('wamid.EARLY', 'read', T0 + 2)).status).toBe(200);
    expect(await reply.shown()).toMatchObject({ status: 'pending' });
    expect(messageCount()).toBe(2);

    reply.accept();
    expect(await reply.shown()).toMatchObject({ status: 'read' });
  });

  it('never moves a message backward, whatever order the reports arrive in', async () => {
    const reply = replyInFlight('wamid.BACKWARD');
    reply.accept();
    for (const [status, at] of [
      ['read', T0 + 3],
      ['sent', T0 + 1],
      ['delivered', T0 + 2],
      ['read', T0 + 3],
    ] as const) {
      expect((await report('wamid.BACKWARD', status, at)).status).toBe(200);
      expect(await reply.shown()).toMatchObject({ status: 'read' });
    }
  });

  it('keeps failed with its code and never shows it as delivered afterwards', async () => {
    const reply = replyInFlight('wamid.FAILS');
    reply.accept();
    expect((await report('wamid.FAILS', 'failed', T0 + 1)).status).toBe(200);
    expect((await report('wamid.FAILS', 'delivered', T0 + 5)).status).toBe(200);
    expect((await report('wamid.FAILS', 'read', T0 + 6)).status).toBe(200);
    expect(await reply.shown()).toMatchObject({ status: 'failed', errorCode: 131026 });
  });

  it.each([
    ['a string code', [{ code: '131026', title: 'x' }], 131026],
    ['no title', [{ code: 131026 }], 131026],
    ['an unreadable error', [{ code: { nested: true } }], null],
    ['errors that are not a list', 'broken', null],
  ])(
    'keeps failed when its error has %s, never shown as delivered afterwards',
    async (_, errors, code) => {
      const reply = replyInFlight('wamid.ODDERROR');
      reply.accept();
      expect((await report('wamid.ODDERROR', 'failed', T0 + 1, errors)).status).toBe(200);
      expect(await reply.shown()).toMatchObject({ status: 'failed', errorCode: code });

      expect((await report('wamid.ODDERROR', 'delivered', T0 + 5)).status).toBe(200);
      expect(await reply.shown()).toMatchObject({ status: 'failed', errorCode: code });
    },
  );

  it('ends the same when a late delivered arrives before the failure it follows', async () => {
    const first = replyInFlight('wamid.ORDER.A');
    first.accept();
    await report('wamid.ORDER.A', 'failed', T0 + 1);
    await report('wamid.ORDER.A', 'delivered', T0 + 5);

    const second = replyInFlight('wamid.ORDER.B');
    second.accept();
    await report('wamid.ORDER.B', 'delivered', T0 + 5);
    await report('wamid.ORDER.B', 'failed', T0 + 1);

    expect(await second.shown()).toMatchObject({ status: 'failed', errorCode: 131026 });
    expect(await first.shown()).toMatchObject({ status: 'failed', errorCode: 131026 });
  });

  it('applies the same report delivered at the same moment once', async () => {
    const reply = replyInFlight('wamid.TWICE');
    reply.accept();
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => report('wamid.TWICE', 'delivered', T0 + 1)),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    const kept = t.running.appliance.store.db
      .prepare(
        `SELECT count(*) FROM message_statuses WHERE wa_message_id = 'wamid.TWICE'`,
      )
      .pluck()
      .get();
    expect(kept).toBe(1);
    expect(await reply.shown()).toMatchObject({ status: 'delivered' });
  });
});
