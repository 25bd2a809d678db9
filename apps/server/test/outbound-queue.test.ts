import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS, MINUTE_MS } from '@flowgento/core';
import type { CloudApiSimulator } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, AGENT, setupOwner } from './flows.ts';
import {
  expectApiError,
  startTestAppliance,
  TestClock,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import { customerWrites, jobOf, openThread, simulatorSends } from './outbound-support.ts';

/**
 * The outbound queue through the running appliance: the simulator answers
 * sends with Meta's errors on demand; transient ones are retried with a
 * growing wait, from the database, across a restart; permanent ones fail at
 * once with words an agent understands; the service window is checked when
 * the message goes out, not when it was queued.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const clock = new TestClock();
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;
let customers = 0;
const nextCustomer = () => `5511800${String((customers += 1)).padStart(5, '0')}`;

beforeAll(async () => {
  t = await startTestAppliance({}, { clock });
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  phoneNumberId = (
    await owner.mutate<{ phoneNumberId: string }>('whatsapp.connectSimulator')
  ).phoneNumberId;
});
afterAll(() => t.cleanup());

async function replyTo(conversationId: string, body = 'On it.') {
  return agent.mutate<{ messageId: string; state: 'sent' | 'queued' }>('inbox.reply', {
    conversationId,
    body,
  });
}

async function messageOf(conversationId: string, messageId: string) {
  const opened = await openThread(agent, conversationId);
  return opened.messages.find((m) => m.id === messageId)!;
}

/** Moves the clock past the job's next attempt and lets the queue run. */
async function nextAttempt(messageId: string): Promise<void> {
  const job = jobOf(app(), messageId)!;
  clock.advance(Math.max(0, job.nextAttemptAt - clock.now()) + 1);
  await app().services.outbound.runDue();
}

describe('the outbound queue', () => {
  it('retries a 5xx with a growing wait until Meta takes the message', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hello?');
    simulator().failSends({ code: 131000, httpStatus: 503, to: from, times: 2 });
    const before = simulatorSends(t);

    const sent = await replyTo(thread.id);
    expect(sent.state).toBe('queued');
    expect(await messageOf(thread.id, sent.messageId)).toMatchObject({
      status: 'pending',
      errorTitle: 'WhatsApp Cloud API is unavailable',
    });
    const first = jobOf(app(), sent.messageId)!;
    expect(first).toMatchObject({
      state: 'queued',
      attempts: 1,
      lastReason: 'graph_131000',
    });
    const firstWait = first.nextAttemptAt - clock.now();
    expect(firstWait).toBeGreaterThanOrEqual(900);
    expect(firstWait).toBeLessThanOrEqual(2000);

    // Not due yet: nothing is sent early.
    await app().services.outbound.runDue();
    expect(simulatorSends(t)).toBe(before + 1);

    await nextAttempt(sent.messageId);
    const second = jobOf(app(), sent.messageId)!;
    expect(second.attempts).toBe(2);
    expect(second.nextAttemptAt - clock.now()).toBeGreaterThanOrEqual(2000);

    await nextAttempt(sent.messageId);
    expect(jobOf(app(), sent.messageId)).toMatchObject({ state: 'done', attempts: 3 });
    expect(await messageOf(thread.id, sent.messageId)).toMatchObject({
      status: 'sent',
      errorTitle: null,
    });
    expect(simulatorSends(t)).toBe(before + 3);
    const metrics = app().services.metrics.text();
    expect(metrics).toContain('flowgento_outbound_attempts_total{outcome="retrying"} 2');
    expect(metrics).toMatch(/flowgento_outbound_queued 0\n/);
  });

  it.each([
    [
      131048,
      'WhatsApp limited sending from this number for spam concerns; try again later',
    ],
    [
      131056,
      'Too many messages were sent to this recipient in a short time; try again later',
    ],
    [130429, 'The phone number reached its message throughput limit'],
    [80007, 'The WhatsApp account reached its rate limit'],
    [4, 'WhatsApp is throttling this app; the message will need to be sent later'],
  ])(
    'keeps a message refused for rate limit %i queued, showing why',
    async (code, words) => {
      const from = nextCustomer();
      const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
      simulator().failSends({ code, to: from });
      const sent = await replyTo(thread.id);
      expect(sent.state).toBe('queued');
      expect(await messageOf(thread.id, sent.messageId)).toMatchObject({
        status: 'pending',
        errorCode: code,
        errorTitle: words,
      });
      await nextAttempt(sent.messageId);
      expect((await messageOf(thread.id, sent.messageId)).status).toBe('sent');
    },
  );

  it.each([
    [131047, 'More than 24 hours passed since the customer last wrote; use a template'],
    [131026, 'The message could not be delivered to this recipient'],
    [
      131031,
      'The WhatsApp business account is locked; see the account’s quality page in Meta',
    ],
    [368, 'The WhatsApp account is temporarily blocked for policy violations'],
    [190, 'WhatsApp rejected the access token; it may have expired or been revoked'],
  ])('fails at once, without retrying, on permanent error %i', async (code, words) => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    simulator().failSends({ code, to: from });
    const before = simulatorSends(t);

    const error = await expectApiError(replyTo(thread.id));
    expect(error.reason).toBe(`graph_${code}`);
    expect(error.message).toBe(words);
    const failed = (await openThread(agent, thread.id)).messages.at(-1)!;
    expect(failed).toMatchObject({
      status: 'failed',
      errorCode: code,
      errorTitle: words,
    });
    expect(jobOf(app(), failed.id)).toMatchObject({ state: 'failed', attempts: 1 });

    clock.advance(10 * MINUTE_MS);
    await app().services.outbound.runDue();
    expect(simulatorSends(t)).toBe(before + 1);
  });

  it('gives up after its last attempt, with the reason in the conversation', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    simulator().failSends({ code: 131056, to: from, times: 20 });
    const before = simulatorSends(t);
    const sent = await replyTo(thread.id);
    for (let i = 0; i < 10 && jobOf(app(), sent.messageId)?.state === 'queued'; i += 1) {
      await nextAttempt(sent.messageId);
    }
    expect(jobOf(app(), sent.messageId)).toMatchObject({ state: 'failed', attempts: 8 });
    expect(simulatorSends(t)).toBe(before + 8);
    expect(await messageOf(thread.id, sent.messageId)).toMatchObject({
      status: 'failed',
      errorCode: 131056,
      errorTitle:
        'Too many messages were sent to this recipient in a short time; try again later',
    });
  });

  it('keeps a queued message across a restart and sends it afterwards', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    simulator().failSends({ code: 131000, httpStatus: 500, to: from });
    const sent = await replyTo(thread.id, 'After the restart');
    expect(sent.state).toBe('queued');

    await t.restart();
    await agent.mutate('auth.login', { email: AGENT.email, password: AGENT.password });
    await nextAttempt(sent.messageId);
    expect(await messageOf(thread.id, sent.messageId)).toMatchObject({ status: 'sent' });
  });

  // Last: it moves the clock a day on, and the intake thread stamps new
  // messages with the real time, so no later conversation would be open.
  it('checks the 24-hour window when it sends, not when the message was queued', async () => {
    const from = nextCustomer();
    const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
    simulator().failSends({ code: 131000, httpStatus: 502, to: from });
    const sent = await replyTo(thread.id, 'Late answer');
    expect(sent.state).toBe('queued');
    const before = simulatorSends(t);

    clock.advance(25 * HOUR_MS);
    await agent.mutate('auth.login', { email: AGENT.email, password: AGENT.password });
    await app().services.outbound.runDue();
    expect(simulatorSends(t)).toBe(before);
    expect(await messageOf(thread.id, sent.messageId)).toMatchObject({
      status: 'failed',
      errorTitle: expect.stringMatching(/^The 24-hour service window is closed/),
    });
    expect(jobOf(app(), sent.messageId)).toMatchObject({
      state: 'failed',
      lastReason: 'service_window_closed',
    });
  });
});
