import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPreferenceWebhook, buildTemplateStatusWebhook } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import {
  customerWrites,
  openThread,
  postAsMeta,
  simulatedNumber,
  templateNamed,
} from './outbound-support.ts';
import { contactIdOf } from './sealed.ts';

/**
 * Account webhooks without a readable time: stamping them with their arrival
 * would let each redelivery add history and overturn a newer decision, so
 * they are kept raw, once, and not applied.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const app = (): RunningAppliance => t.running;

beforeAll(async () => {
  t = await startTestAppliance({});
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  phoneNumberId = (
    await owner.mutate<{ phoneNumberId: string }>('whatsapp.connectSimulator')
  ).phoneNumberId;
  await owner.mutate('templates.sync');
});
afterAll(() => t.cleanup());

const db = () => app().appliance.store.db;
const kept = (field: string) =>
  db().prepare('SELECT count(*) FROM webhook_events WHERE field = ?').pluck().get(field);

describe('an account webhook without a readable time', () => {
  it('leaves consent as the newer stop set it, however often a resume without time arrives', async () => {
    const waId = '5511900099001';
    const thread = await customerWrites(app(), agent, phoneNumberId, waId, 'Hi');
    const { number } = simulatedNumber(app());
    const preference = (value: 'stop' | 'resume', timestamp: unknown) => {
      const body = buildPreferenceWebhook({
        wabaId: number.businessAccountId,
        phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waId,
        value,
      });
      const value0 = body.entry[0]!.changes[0]!.value as {
        user_preferences: Record<string, unknown>[];
      };
      value0.user_preferences[0]!['timestamp'] = timestamp;
      return postAsMeta(app(), body);
    };

    await preference('stop', Math.floor(Date.now() / 1000) - 60);
    for (const timestamp of [undefined, 'soon', undefined, 'soon']) {
      await preference('resume', timestamp);
    }

    expect((await openThread(agent, thread.id)).marketing?.state).toBe('opted_out');
    const history = db()
      .prepare(
        `SELECT count(*) FROM consent_events e JOIN contacts c ON c.id = e.contact_id
         WHERE c.id = ?`,
      )
      .pluck()
      .get(contactIdOf(app().appliance.store, waId));
    expect(history).toBe(1);
    expect(kept('user_preferences')).toBe(2);
  });

  it('keeps a template decision without entry time raw and leaves the status alone', async () => {
    const body = buildTemplateStatusWebhook({
      wabaId: simulatedNumber(app()).number.businessAccountId,
      waTemplateId: '900000000000001',
      name: 'order_update',
      language: 'en_US',
      status: 'PAUSED',
    });
    delete (body.entry[0] as { time?: number }).time;

    await postAsMeta(app(), body);
    await postAsMeta(app(), body);

    const thread = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      '5511900099002',
      'Hi',
    );
    expect(await templateNamed(agent, thread.id, 'order_update')).toMatchObject({
      status: 'APPROVED',
    });
    expect(kept('message_template_status_update')).toBe(1);
  });
});
