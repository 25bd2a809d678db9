import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPreferenceWebhook, buildStatusWebhook } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import {
  expectApiError,
  TestClock,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import {
  customerWrites,
  openThread,
  postAsMeta,
  simulatedNumber,
  simulatorSends,
  templateNamed,
  MARKETING_NOTICE,
  startConsentAppliance,
  nextSecond,
} from './outbound-support.ts';

/**
 * A withdrawal and an opt-in in the same second (review of issue #8): Meta
 * stamps a STOP in whole seconds, an agent's opt-in carries milliseconds,
 * so a STOP written after an opt-in looked older and was lost, and marketing
 * still went out. Within one second a withdrawal wins, whichever came first.
 */
let t: TestAppliance;
let agent: ApiClient;
let phoneNumberId: string;
const clock = new TestClock();
const app = (): RunningAppliance => t.running;
let customerCount = 0;
const nextCustomer = () => `5511933${String((customerCount += 1)).padStart(5, '0')}`;
const NOTICE = MARKETING_NOTICE;

beforeAll(async () => {
  ({ t, agent, phoneNumberId } = await startConsentAppliance(clock));
  clock.freeze();
});
afterAll(() => t.cleanup());

/**
 * Holds the appliance's clock (and the simulator's stamps) half way through
 * the current second; returns that second, as Meta would stamp it.
 */
function midSecond(): number {
  const second = Math.floor(Date.now() / 1000);
  clock.advance(second * 1000 + 500 - clock.now());
  return second;
}

async function optIn(conversationId: string) {
  await agent.mutate('consent.setMarketing', {
    conversationId,
    state: 'opted_in',
    notice: { version: NOTICE.version, language: NOTICE.language },
  });
}

function sendSale(conversationId: string) {
  return (async () => {
    const template = await templateNamed(agent, conversationId, 'spring_sale');
    return agent.mutate<{ messageId: string; state: string }>('templates.send', {
      conversationId,
      templateId: template.id,
      parameters: { 'body.1': 'Asha' },
    });
  })();
}

/** A marketing send is refused before any call to Meta. */
async function expectSaleRefused(conversationId: string) {
  const before = simulatorSends(t);
  const refused = await expectApiError(sendSale(conversationId));
  expect(refused).toMatchObject({ status: 412, reason: 'contact_opted_out_marketing' });
  expect(simulatorSends(t)).toBe(before);
}

function preference(waId: string, value: 'stop' | 'resume', second: number) {
  const { number } = simulatedNumber(app());
  return buildPreferenceWebhook({
    wabaId: number.businessAccountId,
    phoneNumberId,
    displayPhoneNumber: number.displayPhoneNumber,
    waId,
    value,
    timestampSeconds: second,
  });
}

describe('a STOP in the same second as an opt-in', () => {
  it('wins when it arrives after an agent recorded the opt-in', async () => {
    midSecond();
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    await optIn(thread.id);
    // Meta stamps the STOP with the whole second, half a second before the opt-in.
    await customerWrites(app(), agent, phoneNumberId, from, 'STOP');
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_out',
      source: 'keyword',
    });
    await expectSaleRefused(thread.id);
  });

  it('still wins when an agent records an opt-in after it in that second', async () => {
    midSecond();
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'STOP');
    // The agent is told, rather than shown an opt-in that did not take: the
    // customer's own STOP stands until they send START.
    const tie = await expectApiError(optIn(thread.id));
    expect(tie).toMatchObject({ status: 412, reason: 'withdrew_by_customer' });
    const db = app().appliance.store.db;
    expect(
      db
        .prepare(`SELECT count(*) FROM consent_events WHERE contact_id = ?`)
        .pluck()
        .get(thread.contact.id),
    ).toBe(1);
    expect(
      db
        .prepare(
          `SELECT action, json_extract(details_json, '$.rule') FROM audit_log
           ORDER BY seq DESC LIMIT 1`,
        )
        .raw()
        .get(),
    ).toEqual(['rule.refused', 'withdrew_by_customer']);
    expect((await openThread(agent, thread.id)).marketing?.state).toBe('opted_out');
    await expectSaleRefused(thread.id);

    // A second later the customer asks again, and the opt-in holds (the
    // intake takes no stamp ahead of the real time: wait for it too).
    clock.advance(1000);
    await nextSecond();
    await customerWrites(app(), agent, phoneNumberId, from, 'START');
    await optIn(thread.id);
    expect((await openThread(agent, thread.id)).marketing?.state).toBe('opted_in');
  });

  it("holds a member's own withdrawal against an opt-in of the same second", async () => {
    midSecond();
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    await optIn(thread.id);
    await agent.mutate('consent.setMarketing', {
      conversationId: thread.id,
      state: 'opted_out',
    });
    const tie = await expectApiError(optIn(thread.id));
    expect(tie).toMatchObject({ status: 412, reason: 'withdrawal_holds' });
    expect(tie.message).toMatch(/^Consent was withdrawn in this same second/);
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_out',
      source: 'agent',
    });
  });

  it.each([
    ['the START keyword first', ['start', 'stop'] as const],
    ["WhatsApp's stop first", ['stop', 'start'] as const],
  ])('wins against a START of the same second, %s', async (_name, order) => {
    const second = midSecond();
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    for (const step of order) {
      if (step === 'start')
        await customerWrites(app(), agent, phoneNumberId, from, 'START');
      else await postAsMeta(app(), preference(from, 'stop', second));
    }
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_out',
      source: 'preference_webhook',
    });
    await expectSaleRefused(thread.id);
  });

  it("wins as Meta's 131050 on a failed status stamped in the opt-in's second", async () => {
    const second = midSecond();
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    await optIn(thread.id);
    const sent = await sendSale(thread.id);
    expect(sent.state).toBe('sent');
    const waMessageId = app()
      .appliance.store.db.prepare('SELECT wa_message_id FROM messages WHERE id = ?')
      .pluck()
      .get(sent.messageId) as string;
    const { number } = simulatedNumber(app());
    await postAsMeta(
      app(),
      buildStatusWebhook({
        phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId,
        status: 'failed',
        recipientId: from,
        error: { code: 131050, title: 'Unable to deliver the message' },
        timestampSeconds: second,
      }),
    );
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_out',
      source: 'opted_out_error',
    });
    await expectSaleRefused(thread.id);
  });
});
