import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  simulatorSends,
  templateNamed,
  MARKETING_NOTICE,
  startConsentAppliance,
  nextSecond,
} from './outbound-support.ts';

/**
 * A customer's START or WhatsApp resume (review of issue #8): it lifts an
 * opt-out only of consent once given with a notice, and brings that notice
 * back; from a customer who never opted in it is kept as a request and
 * marketing stays refused. A STOP withdraws the workspace's own purposes too.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const clock = new TestClock();
const app = (): RunningAppliance => t.running;
let customerCount = 0;
const nextCustomer = () => `5511944${String((customerCount += 1)).padStart(5, '0')}`;
const NOTICE = MARKETING_NOTICE;

interface HistoryEntry {
  purpose: string;
  state: string;
  kind: string;
  source: string;
  noticeVersion: string | null;
}
interface Entry {
  purpose: string;
  state: string;
  source: string;
  noticeVersion: string | null;
}

beforeAll(async () => {
  ({ t, owner, agent, phoneNumberId } = await startConsentAppliance(clock));
  await owner.mutate('consentRegister.savePurpose', {
    purpose: 'surveys',
    description: 'Satisfaction surveys after a purchase',
  });
});
afterAll(() => t.cleanup());

/**
 * The next step a second on, as a person would take it: Meta stamps whole
 * seconds, and a START in its STOP's own second loses to it.
 */

/** A member's opt-in, a few seconds before what the customer does next. */
async function optInEarlier(record: () => Promise<unknown>) {
  clock.advance(-5000);
  try {
    await record();
  } finally {
    clock.advance(5000);
  }
}

const channels = {
  keyword: {
    stop: (from: string) => customerWrites(app(), agent, phoneNumberId, from, 'STOP'),
    start: (from: string) => customerWrites(app(), agent, phoneNumberId, from, 'START'),
  },
  preference_webhook: {
    stop: (from: string) =>
      app().simulator!.sendCustomerPreference({ phoneNumberId, from, value: 'stop' }),
    start: (from: string) =>
      app().simulator!.sendCustomerPreference({ phoneNumberId, from, value: 'resume' }),
  },
} as const;
const channelNames = Object.keys(channels) as (keyof typeof channels)[];

function register(contactId: string) {
  return owner.query<{ entries: Entry[]; history: HistoryEntry[] }>(
    'consentRegister.entries',
    { contactId },
  );
}

async function sendSale(conversationId: string) {
  const template = await templateNamed(agent, conversationId, 'spring_sale');
  return agent.mutate<{ messageId: string; state: string }>('templates.send', {
    conversationId,
    templateId: template.id,
    parameters: { 'body.1': 'Asha' },
  });
}

/** A marketing send is refused with `reason`, before any call to Meta. */
async function expectSaleRefused(conversationId: string, reason: string) {
  const before = simulatorSends(t);
  const refused = await expectApiError(sendSale(conversationId));
  expect(refused).toMatchObject({ status: 412, reason });
  expect(simulatorSends(t)).toBe(before);
}

describe("a customer's START", () => {
  it.each(channelNames)(
    'by %s from a customer who never opted in gives no marketing consent',
    async (channel) => {
      const from = nextCustomer();
      const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
      await nextSecond();
      await channels[channel].start(from);

      expect((await openThread(agent, thread.id)).marketing).toBeNull();
      await expectSaleRefused(thread.id, 'contact_no_marketing_consent');
      const { entries, history } = await register(thread.contact.id);
      expect(entries).toEqual([]);
      expect(history).toMatchObject([
        { purpose: 'marketing', state: 'opted_in', kind: 'request', source: channel },
      ]);

      // Nor does it lift a STOP of consent that was never given.
      await nextSecond();
      await channels[channel].stop(from);
      await nextSecond();
      await channels[channel].start(from);
      expect((await openThread(agent, thread.id)).marketing?.state).toBe('opted_out');
      await expectSaleRefused(thread.id, 'contact_opted_out_marketing');
    },
  );

  it.each(channelNames)(
    'by %s lifts a STOP of an opt-in given with a notice, and restores that notice',
    async (channel) => {
      const from = nextCustomer();
      const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
      await optInEarlier(() =>
        agent.mutate('consent.setMarketing', {
          conversationId: thread.id,
          state: 'opted_in',
          notice: { version: NOTICE.version, language: NOTICE.language },
        }),
      );
      await channels[channel].stop(from);
      await expectSaleRefused(thread.id, 'contact_opted_out_marketing');
      await nextSecond();
      await channels[channel].start(from);

      expect((await openThread(agent, thread.id)).marketing).toMatchObject({
        state: 'opted_in',
        source: channel,
        noticeVersion: 'v1',
        language: 'en',
      });
      expect((await register(thread.contact.id)).history.at(-1)).toMatchObject({
        state: 'opted_in',
        kind: 'resumption',
        source: channel,
        noticeVersion: 'v1',
      });
      expect((await sendSale(thread.id)).state).toBe('sent');
    },
  );
});

describe("a customer's STOP", () => {
  it.each(channelNames)(
    'by %s withdraws the workspace purposes too, and a START brings back marketing only',
    async (channel) => {
      const from = nextCustomer();
      const thread = await customerWrites(app(), agent, phoneNumberId, from, 'Hi');
      const contactId = thread.contact.id;
      for (const purpose of ['marketing', 'surveys']) {
        await optInEarlier(() =>
          owner.mutate('consentRegister.recordOptIn', {
            contactId,
            purpose,
            source: 'admin',
            noticeVersion: NOTICE.version,
            language: NOTICE.language,
          }),
        );
      }
      await channels[channel].stop(from);
      const stateOf = async () =>
        Object.fromEntries(
          (await register(contactId)).entries.map((e) => [e.purpose, e.state]),
        );
      expect(await stateOf()).toEqual({ marketing: 'opted_out', surveys: 'opted_out' });

      await nextSecond();
      await channels[channel].start(from);
      expect(await stateOf()).toEqual({ marketing: 'opted_in', surveys: 'opted_out' });
    },
  );
});
