import { expect } from 'vitest';
import type { WhatsAppNumber } from '@flowgento/store';
import type { CloudApiSimulator, WebhookBody } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import type { Clock } from '@flowgento/core';
import { addAgent, postSigned, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';

/** Helpers of the outbound tests: a simulated number, its customers, its sends. */

export interface Thread {
  id: string;
  contact: { id: string; waId: string };
}

export interface OpenedThread {
  conversation: { windowClosesAt: number | null };
  messages: {
    id: string;
    direction: string;
    type: string;
    body: string | null;
    status: string;
    errorCode: number | null;
    errorTitle: string | null;
  }[];
  marketing: {
    state: string;
    source: string;
    noticeVersion?: string | null;
    language?: string | null;
  } | null;
}

export interface TemplateOptionView {
  id: string;
  name: string;
  category: string;
  status: string;
  variables: { key: string }[];
  refusal: { reason: string; message: string } | null;
}

/** Sends that reached the simulator's send route (accepted or failed on purpose). */
export function simulatorSends(t: TestAppliance): number {
  return t.logs.lines.filter(
    (line) =>
      line.includes('"msg":"simulated send accepted"') ||
      line.includes('"msg":"simulated send failed"'),
  ).length;
}

/** The customer writes; returns the conversation of that customer. */
export async function customerWrites(
  app: RunningAppliance,
  agent: ApiClient,
  phoneNumberId: string,
  from: string,
  text: string,
): Promise<Thread> {
  await (app.simulator as CloudApiSimulator).sendCustomerMessage({
    phoneNumberId,
    from,
    profileName: 'Asha Rao',
    text,
  });
  const list = await agent.query<Thread[]>('inbox.conversations');
  const thread = list.find((c) => c.contact.waId === from);
  expect(thread, `conversation of ${from}`).toBeDefined();
  return thread!;
}

export function openThread(agent: ApiClient, conversationId: string) {
  return agent.query<OpenedThread>('inbox.conversation', { conversationId });
}

export async function templateNamed(
  agent: ApiClient,
  conversationId: string,
  name: string,
): Promise<TemplateOptionView> {
  const list = await agent.query<TemplateOptionView[]>('templates.forConversation', {
    conversationId,
  });
  const found = list.find((t) => t.name === name);
  expect(found, name).toBeDefined();
  return found!;
}

/** The simulated number as stored, with its app secret for signing webhooks. */
export function simulatedNumber(app: RunningAppliance): {
  number: WhatsAppNumber;
  appSecret: string;
} {
  const number = app.appliance.store.routing.allNumbers().find((n) => n.simulated)!;
  return { number, appSecret: app.services.numbers.unwrap(number, 'appSecret') };
}

/** Posts a webhook signed by the simulated number's app, as Meta would. */
export async function postAsMeta(app: RunningAppliance, body: WebhookBody) {
  const { appSecret } = simulatedNumber(app);
  const reply = await postSigned(app, Buffer.from(JSON.stringify(body)), appSecret);
  expect(reply.status).toBe(200);
}

/** The outbound job row of a message (state, attempts, next attempt). */
export function jobOf(app: RunningAppliance, messageId: string) {
  return app.appliance.store.db
    .prepare(
      `SELECT state, attempts, next_attempt_at AS nextAttemptAt, last_reason AS lastReason
       FROM outbound_jobs WHERE message_id = ?`,
    )
    .get(messageId) as
    | {
        state: string;
        attempts: number;
        nextAttemptAt: number;
        lastReason: string | null;
      }
    | undefined;
}

/**
 * Waits past the next whole second: Meta stamps webhooks in whole seconds
 * (and intake takes no stamp ahead of the real time), and within one second
 * a withdrawal wins, so consent steps a test means in order must not tie.
 */
export const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1100));

/** The marketing notice the consent tests publish and record opt-ins against. */
export const MARKETING_NOTICE = {
  version: 'v1',
  language: 'en',
  body: 'We send offers on WhatsApp.',
};

/**
 * An appliance ready for consent tests: an owner and an agent, the Cloud API
 * simulator connected, its templates synced and `notice` published.
 */
export async function startConsentAppliance(
  clock: Clock,
  notice: { version: string; language: string; body: string } = MARKETING_NOTICE,
): Promise<{
  t: TestAppliance;
  owner: ApiClient;
  agent: ApiClient;
  phoneNumberId: string;
}> {
  const t = await startTestAppliance({}, { clock });
  const app = () => t.running;
  const owner = await setupOwner(app);
  const agent = await addAgent(app, owner);
  const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  );
  await owner.mutate('templates.sync');
  await owner.mutate('consentRegister.addNotice', notice);
  return { t, owner, agent, phoneNumberId };
}
