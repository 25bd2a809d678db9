import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '@flowgento/core';
import { buildTemplateStatusWebhook, type CloudApiSimulator } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import {
  expectApiError,
  startTestAppliance,
  TestClock,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import {
  customerWrites,
  postAsMeta,
  simulatedNumber,
  simulatorSends,
  templateNamed,
  type Thread,
} from './outbound-support.ts';

/**
 * Template status webhooks as Meta sends them: out of order, again, for
 * templates not synced yet, and with events that are not statuses.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let thread: Thread;
const clock = new TestClock();
const app = (): RunningAppliance => t.running;

beforeAll(async () => {
  // The sync happens twenty minutes back, so that Meta's decisions below,
  // stamped from the system clock the intake thread runs on, come after it.
  clock.advance(-20 * MINUTE_MS);
  t = await startTestAppliance({}, { clock });
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  );
  await owner.mutate('templates.sync');
  thread = await customerWrites(app(), agent, phoneNumberId, '5511900000001', 'Hi');
});
afterAll(() => t.cleanup());

/** Meta's `event` on a template, decided `secondsAgo` before now. */
function metaDecides(
  event: string,
  secondsAgo: number,
  template = { id: '900000000000001', name: 'order_update' },
) {
  return postAsMeta(
    app(),
    buildTemplateStatusWebhook({
      wabaId: simulatedNumber(app()).number.businessAccountId,
      waTemplateId: template.id,
      name: template.name,
      language: 'en_US',
      status: event,
      timeSeconds: Math.floor(Date.now() / 1000) - secondsAgo,
    }),
  );
}

const orderUpdate = () => templateNamed(agent, thread.id, 'order_update');

describe('template status webhooks', () => {
  it('keeps a template paused when Meta redelivers its older approval', async () => {
    await metaDecides('APPROVED', 590);
    await metaDecides('PAUSED', 580);
    await metaDecides('APPROVED', 590);

    const template = await orderUpdate();
    expect(template).toMatchObject({
      status: 'PAUSED',
      refusal: { reason: 'template_not_approved' },
    });
    const before = simulatorSends(t);
    const refused = await expectApiError(
      agent.mutate('templates.send', {
        conversationId: thread.id,
        templateId: template.id,
        parameters: { 'body.1': 'Asha', 'body.2': 'A-1042' },
      }),
    );
    expect(refused.reason).toBe('template_not_approved');
    expect(simulatorSends(t)).toBe(before);

    // Meta lifts the pause later: a newer approval applies.
    await metaDecides('APPROVED', 570);
    expect(await orderUpdate()).toMatchObject({ status: 'APPROVED', refusal: null });
  });

  it.each([
    ['FLAGGED', 'APPROVED'],
    ['UNARCHIVED', 'APPROVED'],
    ['REINSTATED', 'APPROVED'],
    ['LOCKED', 'APPROVED'],
    ['UNLOCKED', 'APPROVED'],
    ['PAUSED', 'PAUSED'],
    ['DISABLED', 'DISABLED'],
    ['REJECTED', 'REJECTED'],
    ['PENDING', 'PENDING'],
    ['IN_APPEAL', 'IN_APPEAL'],
    ['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED'],
    ['ARCHIVED', 'ARCHIVED'],
    ['PENDING_DELETION', 'PENDING_DELETION'],
    ['DELETED', 'DELETED'],
  ])('after %s on an approved template, its status is %s', async (event, status) => {
    const step = eventStep();
    await metaDecides('APPROVED', step + 1);
    await metaDecides(event, step);

    const template = await orderUpdate();
    expect(template).toMatchObject({ status, lastEvent: event });
    if (status === 'APPROVED') expect(template.refusal).toBeNull();
    else expect(template.refusal?.reason).toBe('template_not_approved');
  });

  it.each([
    ['APPROVED', 'PAUSED', 'PAUSED'],
    ['PAUSED', 'APPROVED', 'PAUSED'],
    ['REINSTATED', 'REJECTED', 'REJECTED'],
    ['REJECTED', 'REINSTATED', 'REJECTED'],
  ])(
    'after %s and %s stamped in the same second, in either order, the template is %s',
    async (first, second, winner) => {
      const step = eventStep();
      await metaDecides(first, step);
      await metaDecides(second, step);

      const template = await orderUpdate();
      expect(template).toMatchObject({ status: winner, lastEvent: winner });
      expect(template.refusal?.reason).toBe('template_not_approved');
    },
  );

  it('keeps an update for a template not synced yet, and applies it once a sync brings it', async () => {
    const newOffer = { id: '900000000000099', name: 'new_offer' };
    await metaDecides('PAUSED', 10, newOffer);
    const pending = () =>
      app()
        .appliance.store.db.prepare('SELECT count(*) FROM template_status_pending')
        .pluck()
        .get() as number;
    expect(pending()).toBe(1);

    const { number } = simulatedNumber(app());
    const simulator = app().simulator as CloudApiSimulator;
    simulator.setTemplates(number.businessAccountId, [
      {
        id: newOffer.id,
        name: newOffer.name,
        language: 'en_US',
        category: 'UTILITY',
        status: 'APPROVED',
        components: [{ type: 'BODY', text: 'A new offer for you.' }],
      },
    ]);
    await owner.mutate('templates.sync');

    expect(await templateNamed(agent, thread.id, 'new_offer')).toMatchObject({
      status: 'PAUSED',
      lastEvent: 'PAUSED',
    });
    expect(pending()).toBe(0);
  });
});

let steps = 500;
/** Seconds-ago for the next event test: each later than the one before. */
function eventStep(): number {
  steps -= 10;
  return steps;
}
