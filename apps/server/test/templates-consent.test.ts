import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '@flowgento/core';
import {
  buildPreferenceWebhook,
  buildStatusWebhook,
  buildTemplateStatusWebhook,
} from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { AGENT, OWNER } from './flows.ts';
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
} from './outbound-support.ts';
import { contactIdOf } from './sealed.ts';

/**
 * Templates and marketing consent through the running appliance and its
 * Cloud API simulator: templates synced with their approval status, sent
 * with their variables outside the 24-hour window, and marketing refused,
 * before any network call, to a customer who withdrew consent by keyword,
 * in WhatsApp's own menu, or as Meta reported with error 131050.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const clock = new TestClock();
const app = (): RunningAppliance => t.running;
let customerCount = 0;
const nextCustomer = () => `5511900${String((customerCount += 1)).padStart(5, '0')}`;

beforeAll(async () => {
  ({ t, owner, agent, phoneNumberId } = await startConsentAppliance(clock));
});
afterAll(() => t.cleanup());

const ORDER_UPDATE = { 'body.1': 'Asha', 'body.2': 'A-1042' };
const NOTICE = MARKETING_NOTICE;

/** The agent records the customer's marketing opt-in, naming the notice they read. */
async function optIn(conversationId: string) {
  await agent.mutate('consent.setMarketing', {
    conversationId,
    state: 'opted_in',
    notice: { version: NOTICE.version, language: NOTICE.language },
  });
}

/**
 * The opt-in, stamped a few seconds before the simulator's real-time stamps
 * (this file's clock has run ahead of them), so the customer's STOP or
 * Meta's status that follows is newer, as it would be.
 */
async function optInBeforeTheSimulator(conversationId: string) {
  const back = clock.now() - Date.now() + 5_000;
  clock.advance(-back);
  try {
    await optIn(conversationId);
  } finally {
    clock.advance(back);
  }
}

async function sendTemplate(conversationId: string, name: string, parameters: object) {
  const template = await templateNamed(agent, conversationId, name);
  return agent.mutate<{ messageId: string; state: string }>('templates.send', {
    conversationId,
    templateId: template.id,
    parameters,
  });
}

describe('templates', () => {
  it('syncs every template and its approval status from the Graph API', async () => {
    const result = await owner.mutate('templates.sync');
    expect(result).toEqual({ accounts: 1, templates: 4 });
    const thread = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      nextCustomer(),
      'Hi',
    );
    const order = await templateNamed(agent, thread.id, 'order_update');
    expect(order).toMatchObject({
      status: 'APPROVED',
      category: 'UTILITY',
      refusal: null,
    });
    expect(order.variables.map((v) => v.key)).toEqual(['body.1', 'body.2']);
    expect((await templateNamed(agent, thread.id, 'win_back')).refusal?.reason).toBe(
      'template_not_approved',
    );
    // Syncing is for those who manage WhatsApp settings.
    expect((await expectApiError(agent.mutate('templates.sync'))).status).toBe(403);
  });

  it('refuses an unapproved template and bad variables before any network call, storing nothing', async () => {
    const thread = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      nextCustomer(),
      'Hi',
    );
    const before = simulatorSends(t);
    const count = () =>
      app().appliance.store.db.prepare('SELECT count(*) FROM messages').pluck().get();
    const messages = count();

    const pending = await expectApiError(
      sendTemplate(thread.id, 'appointment_reminder', { 'body.1': 'Monday' }),
    );
    expect(pending).toMatchObject({ status: 412, reason: 'template_not_approved' });
    const missing = await expectApiError(
      sendTemplate(thread.id, 'order_update', { 'body.1': 'Asha' }),
    );
    expect(missing).toMatchObject({ status: 400, reason: 'template_parameters_invalid' });
    expect(missing.message).toBe('body.2: fill in this variable');
    const newline = await expectApiError(
      sendTemplate(thread.id, 'order_update', { ...ORDER_UPDATE, 'body.2': 'A-1\nA-2' }),
    );
    expect(newline.message).toMatch(/^body\.2: no new lines/);
    const unknown = await expectApiError(
      sendTemplate(thread.id, 'order_update', { ...ORDER_UPDATE, 'body.3': 'x' }),
    );
    expect(unknown.message).toBe('body.3: the template has no such variable');

    expect(simulatorSends(t)).toBe(before);
    expect(count()).toBe(messages);
  });

  it('stops sending a template Meta paused, as its status webhook says', async () => {
    const thread = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      nextCustomer(),
      'Hi',
    );
    const { number } = simulatedNumber(app());
    // Meta's decisions come after the sync, in the order they were made.
    clock.advance(60_000);
    const status = (value: string) =>
      buildTemplateStatusWebhook({
        wabaId: number.businessAccountId,
        waTemplateId: '900000000000001',
        name: 'order_update',
        language: 'en_US',
        status: value,
        timeSeconds: Math.floor(clock.now() / 1000) - (value === 'PAUSED' ? 30 : 20),
      });
    await postAsMeta(app(), status('PAUSED'));
    const paused = await templateNamed(agent, thread.id, 'order_update');
    expect(paused).toMatchObject({
      status: 'PAUSED',
      refusal: { reason: 'template_not_approved' },
    });
    expect(
      (await expectApiError(sendTemplate(thread.id, 'order_update', ORDER_UPDATE)))
        .reason,
    ).toBe('template_not_approved');

    await postAsMeta(app(), status('APPROVED'));
    expect((await sendTemplate(thread.id, 'order_update', ORDER_UPDATE)).state).toBe(
      'sent',
    );
  });
});

describe('marketing consent', () => {
  it('a customer writing STOP can no longer be sent marketing; utility still goes; START restores it', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    await optInBeforeTheSimulator(thread.id);
    await customerWrites(app(), agent, phoneNumberId, from, 'STOP');
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_out',
      source: 'keyword',
    });
    const before = simulatorSends(t);
    const refused = await expectApiError(
      sendTemplate(thread.id, 'spring_sale', { 'body.1': 'Asha' }),
    );
    expect(refused).toMatchObject({ status: 412, reason: 'contact_opted_out_marketing' });
    expect(refused.message).toMatch(
      /stopped marketing messages \(they wrote a stop keyword\)/,
    );
    expect(simulatorSends(t)).toBe(before);
    expect((await templateNamed(agent, thread.id, 'spring_sale')).refusal?.reason).toBe(
      'contact_opted_out_marketing',
    );
    // Service replies and utility templates are not marketing.
    await agent.mutate('inbox.reply', { conversationId: thread.id, body: 'Understood.' });
    expect((await sendTemplate(thread.id, 'order_update', ORDER_UPDATE)).state).toBe(
      'sent',
    );

    // Meta stamps whole seconds, and a START in the STOP's own second loses
    // to it: the customer writes again a second later, as a person would.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await customerWrites(app(), agent, phoneNumberId, from, 'start');
    expect(
      (await sendTemplate(thread.id, 'spring_sale', { 'body.1': 'Asha' })).state,
    ).toBe('sent');
  });

  it.each(['Arrêt', 'baja', 'Stopp!', 'रोकें', ' unsubscribe. '])(
    'takes %j as a stop keyword, but not a sentence that contains one',
    async (keyword) => {
      const from = nextCustomer();
      const thread = await customerWrites(
        app(),
        agent,
        phoneNumberId,
        from,
        'please do not stop',
      );
      expect((await openThread(agent, thread.id)).marketing).toBeNull();
      await customerWrites(app(), agent, phoneNumberId, from, keyword);
      expect((await openThread(agent, thread.id)).marketing?.state).toBe('opted_out');
    },
  );

  it('follows the preference webhook, and an older stop never undoes a newer resume', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    await app().simulator!.sendCustomerPreference({ phoneNumberId, from, value: 'stop' });
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_out',
      source: 'preference_webhook',
    });

    // Another customer: a stop, a resume, then a stop from before the resume, late.
    const later = nextCustomer();
    const second = await customerWrites(app(), agent, phoneNumberId, later, 'Hi');
    // A resume lifts only a stop of consent once given with a notice.
    clock.advance(-1_000_000);
    await optIn(second.id);
    clock.advance(1_000_000);
    const { number } = simulatedNumber(app());
    const preference = (value: 'stop' | 'resume', secondsAgo: number) =>
      buildPreferenceWebhook({
        wabaId: number.businessAccountId,
        phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waId: later,
        value,
        timestampSeconds: Math.floor(clock.now() / 1000) - secondsAgo,
      });
    await postAsMeta(app(), preference('stop', 300));
    await postAsMeta(app(), preference('resume', 100));
    await postAsMeta(app(), preference('stop', 200));
    expect((await openThread(agent, second.id)).marketing?.state).toBe('opted_in');
    const history = app()
      .appliance.store.db.prepare(
        `SELECT e.state FROM consent_events e JOIN contacts c ON c.id = e.contact_id
         WHERE c.id = ? ORDER BY e.recorded_at, e.rowid`,
      )
      .pluck()
      .all(contactIdOf(app().appliance.store, later));
    expect(history).toEqual(['opted_in', 'opted_out', 'opted_in', 'opted_out']);
  });

  it("records Meta's 131050 as an opt-out, and refuses the next marketing send without a call", async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    await optIn(thread.id);
    app().simulator!.failSends({ code: 131050, to: from });
    const failed = await expectApiError(
      sendTemplate(thread.id, 'spring_sale', { 'body.1': 'Asha' }),
    );
    expect(failed.reason).toBe('graph_131050');
    const opened = await openThread(agent, thread.id);
    expect(opened.messages.at(-1)).toMatchObject({
      status: 'failed',
      errorCode: 131050,
      errorTitle: 'The customer has stopped marketing messages from this business',
    });
    expect(opened.marketing).toMatchObject({
      state: 'opted_out',
      source: 'opted_out_error',
    });

    const before = simulatorSends(t);
    expect(
      (await expectApiError(sendTemplate(thread.id, 'spring_sale', { 'body.1': 'A' })))
        .reason,
    ).toBe('contact_opted_out_marketing');
    expect(simulatorSends(t)).toBe(before);
  });

  it('takes a failed status with 131050 as an opt-out too, once however often Meta repeats it', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    await optInBeforeTheSimulator(thread.id);
    // Meta stamps statuses in whole seconds: the failure comes a second after
    // the opt-in, as a real one would, so it is not taken for older news.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const sent = await sendTemplate(thread.id, 'spring_sale', { 'body.1': 'Asha' });
    const waMessageId = app()
      .appliance.store.db.prepare('SELECT wa_message_id FROM messages WHERE id = ?')
      .pluck()
      .get(sent.messageId) as string;
    const { number } = simulatedNumber(app());
    const failed = buildStatusWebhook({
      phoneNumberId,
      displayPhoneNumber: number.displayPhoneNumber,
      waMessageId,
      status: 'failed',
      recipientId: from,
      error: { code: 131050, title: 'Unable to deliver the message' },
    });
    await postAsMeta(app(), failed);
    await postAsMeta(app(), failed);

    const opened = await openThread(agent, thread.id);
    expect(opened.marketing).toMatchObject({
      state: 'opted_out',
      source: 'opted_out_error',
    });
    expect(opened.messages.find((m) => m.id === sent.messageId)).toMatchObject({
      status: 'failed',
      errorTitle: 'The customer has stopped marketing messages from this business',
    });
    const events = app()
      .appliance.store.db.prepare(
        `SELECT count(*) FROM consent_events e JOIN contacts c ON c.id = e.contact_id
         WHERE c.id = ? AND e.state = 'opted_out'`,
      )
      .pluck()
      .get(contactIdOf(app().appliance.store, from));
    expect(events).toBe(1);
  });

  it('refuses marketing to a customer with no opt-in on record, until one names its notice', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    const before = simulatorSends(t);
    const refused = await expectApiError(
      sendTemplate(thread.id, 'spring_sale', { 'body.1': 'Asha' }),
    );
    expect(refused).toMatchObject({
      status: 412,
      reason: 'contact_no_marketing_consent',
    });
    expect(simulatorSends(t)).toBe(before);

    // An opt-in without a notice, or with one never published, changes nothing.
    const bare = await expectApiError(
      agent.mutate('consent.setMarketing', {
        conversationId: thread.id,
        state: 'opted_in',
      }),
    );
    expect(bare).toMatchObject({ status: 400, reason: 'notice_required' });
    const unknown = await expectApiError(
      agent.mutate('consent.setMarketing', {
        conversationId: thread.id,
        state: 'opted_in',
        notice: { version: 'v9', language: 'en' },
      }),
    );
    expect(unknown).toMatchObject({ status: 400, reason: 'notice_unknown' });
    expect((await openThread(agent, thread.id)).marketing).toBeNull();

    await optIn(thread.id);
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_in',
      source: 'agent',
      noticeVersion: 'v1',
      language: 'en',
    });
    expect(
      (await sendTemplate(thread.id, 'spring_sale', { 'body.1': 'Asha' })).state,
    ).toBe('sent');
  });

  it('lets an agent record an opt-out, audited, and an admin set the workspace keywords', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    await agent.mutate('consent.setMarketing', {
      conversationId: thread.id,
      state: 'opted_out',
    });
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      source: 'agent',
    });
    const entry = app()
      .appliance.store.db.prepare(
        `SELECT target_id AS targetId, details_json AS details FROM audit_log
         WHERE action = 'consent.changed' ORDER BY seq DESC LIMIT 1`,
      )
      .get() as { targetId: string; details: string };
    expect(entry.targetId).toBe(thread.contact.id);
    expect(JSON.parse(entry.details)).toEqual({
      purpose: 'marketing',
      from: null,
      to: 'opted_out',
    });

    const set = await owner.mutate<{ stop: string[]; custom: boolean }>(
      'consent.setKeywords',
      {
        stop: ['Basta ya'],
        start: ['Volver'],
      },
    );
    expect(set).toMatchObject({ stop: ['basta ya'], custom: true });
    const other = nextCustomer();
    const second = await customerWrites(app(), agent, phoneNumberId, other, 'STOP');
    expect((await openThread(agent, second.id)).marketing).toBeNull();
    await customerWrites(app(), agent, phoneNumberId, other, '¡Basta ya!');
    expect((await openThread(agent, second.id)).marketing?.state).toBe('opted_out');

    const clash = await expectApiError(
      owner.mutate('consent.setKeywords', { stop: ['alto'], start: ['ALTO'] }),
    );
    expect(clash).toMatchObject({ status: 400, reason: 'consent_keywords_invalid' });
    expect(
      (await expectApiError(owner.mutate('consent.setKeywords', { stop: [], start: [] })))
        .reason,
    ).toBe('consent_keywords_invalid');
    expect(await owner.mutate('consent.setKeywords', { builtIn: true })).toMatchObject({
      custom: false,
    });
  });
});

/**
 * Last: the intake thread stamps messages with the real time, so once the
 * appliance's clock is moved a day ahead, no later conversation is inside
 * its window.
 */
describe('a day later', () => {
  it('offers a template 25 hours on, refusing free text, and sends it with its variables', async () => {
    const thread = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      nextCustomer(),
      'Hello',
    );
    clock.advance(25 * HOUR_MS);
    // A day without use ends sessions: both sign in again.
    await agent.mutate('auth.login', { email: AGENT.email, password: AGENT.password });
    await owner.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    const before = simulatorSends(t);

    const refused = await expectApiError(
      agent.mutate('inbox.reply', {
        conversationId: thread.id,
        body: 'Sorry for the wait',
      }),
    );
    expect(refused.reason).toBe('service_window_closed');
    expect(refused.message).toMatch(/only an approved template can be sent/);
    expect((await openThread(agent, thread.id)).conversation.windowClosesAt).toBeNull();

    const sent = await sendTemplate(thread.id, 'order_update', ORDER_UPDATE);
    expect(sent.state).toBe('sent');
    expect(simulatorSends(t)).toBe(before + 1);
    const message = (await openThread(agent, thread.id)).messages.find(
      (m) => m.id === sent.messageId,
    );
    expect(message).toMatchObject({
      type: 'template',
      body: 'Hello Asha, your order A-1042 is on its way.',
      status: 'sent',
    });
  });
});
