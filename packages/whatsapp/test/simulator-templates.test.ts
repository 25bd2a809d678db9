import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import {
  buildPreferenceWebhook,
  buildTemplateStatusWebhook,
  GraphTemplatesClient,
  parseWebhook,
  readTemplateStatusUpdate,
  readUserPreferences,
  sampleTemplates,
  type SimulatedTemplate,
} from '../src/index.ts';
import { failureOf } from './support/graph.ts';
import { NUMBER, simulatedSetup, type SimulatedSetup } from './support/simulated.ts';

let setup: SimulatedSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const WABA = '102290129340398';
const send = {
  phoneNumberId: NUMBER.phoneNumberId,
  accessToken: NUMBER.accessToken,
  to: '5511987654321',
  body: 'Hello',
};

async function withAccount(): Promise<{
  setup: SimulatedSetup;
  templates: GraphTemplatesClient;
}> {
  setup = await simulatedSetup(silentLogger());
  setup.simulator.registerNumber({ ...NUMBER, businessAccountId: WABA });
  const templates = new GraphTemplatesClient({
    baseUrl: setup.simulator.baseUrl,
    apiVersion: 'v23.0',
  });
  return { setup, templates };
}

describe('the simulated GET /<WABA_ID>/message_templates', () => {
  it('lists the sample templates with their approval status and components', async () => {
    const { templates } = await withAccount();
    const list = await templates.list(WABA, NUMBER.accessToken);
    expect(list.map((t) => [t.name, t.category, t.status])).toEqual([
      ['order_update', 'UTILITY', 'APPROVED'],
      ['spring_sale', 'MARKETING', 'APPROVED'],
      ['appointment_reminder', 'UTILITY', 'PENDING'],
      ['win_back', 'MARKETING', 'REJECTED'],
    ]);
    expect(list[3]?.rejectedReason).toBe('PROMOTIONAL');
    expect(list[0]?.components[0]).toMatchObject({ type: 'BODY' });
  });

  it('follows the paging cursor to the last template', async () => {
    const { setup, templates } = await withAccount();
    const many: SimulatedTemplate[] = Array.from({ length: 230 }, (_, i) => ({
      ...sampleTemplates()[0]!,
      id: String(1000 + i),
      name: `notice_${i}`,
    }));
    setup.simulator.setTemplates(WABA, many);
    const list = await templates.list(WABA, NUMBER.accessToken);
    expect(list).toHaveLength(230);
    expect(list.at(-1)?.name).toBe('notice_229');
  });

  it("refuses a token that is not the account's, as Graph does (190)", async () => {
    const { templates } = await withAccount();
    const error = await failureOf(templates.list(WABA, 'EAAG-someone-else'));
    expect(error.reason).toBe('graph_190');
    expect(error.details?.['retryable']).toBe(false);
  });
});

describe('send failures on demand', () => {
  it.each([
    [131047, 400, false, 'More than 24 hours passed'],
    [131050, 400, false, 'stopped marketing messages'],
    [131026, 400, false, 'could not be delivered'],
    [131031, 400, false, 'account is locked'],
    [368, 400, false, 'blocked for policy violations'],
    [190, 401, false, 'access token'],
    [131048, 400, true, 'spam'],
    [131056, 400, true, 'Too many messages'],
    [130429, 429, true, 'throughput'],
    [80007, 400, true, 'rate limit'],
    [4, 400, true, 'throttling'],
  ])(
    'answers %i with HTTP %i (retryable: %s) and our plain words',
    async (code, status, retryable, words) => {
      setup = await simulatedSetup(silentLogger());
      setup.simulator.failSends({ code, to: send.to });
      const error = await failureOf(setup.client.sendText(send));
      expect(error.reason).toBe(`graph_${code}`);
      expect(error.details).toMatchObject({
        metaCode: code,
        httpStatus: status,
        retryable,
      });
      expect(error.message).toContain(words);
      // Only the number of sends asked for fail; the next one is accepted.
      await expect(setup.client.sendText(send)).resolves.toMatchObject({
        waMessageId: expect.stringMatching(/^wamid\.SIM/),
      });
    },
  );

  it('fails only sends to the customer named, as many times as asked', async () => {
    setup = await simulatedSetup(silentLogger());
    setup.simulator.failSends({
      code: 131000,
      httpStatus: 503,
      to: '5511900000001',
      times: 2,
    });
    await expect(setup.client.sendText(send)).resolves.toBeDefined();
    const target = { ...send, to: '5511900000001' };
    expect((await failureOf(setup.client.sendText(target))).details?.['retryable']).toBe(
      true,
    );
    expect((await failureOf(setup.client.sendText(target))).details?.['httpStatus']).toBe(
      503,
    );
    await expect(setup.client.sendText(target)).resolves.toBeDefined();
  });
});

describe('account-level webhook fields', () => {
  it('reads a user_preferences change in the documented shape', () => {
    const body = buildPreferenceWebhook({
      wabaId: WABA,
      phoneNumberId: NUMBER.phoneNumberId,
      displayPhoneNumber: NUMBER.displayPhoneNumber,
      waId: '5511987654321',
      value: 'stop',
      timestampSeconds: 1_731_705_721,
    });
    const parsed = parseWebhook(JSON.parse(JSON.stringify(body)));
    if (!parsed.ok) throw new Error(parsed.issue);
    const [batch] = parsed.batches;
    expect(batch).toMatchObject({
      field: 'user_preferences',
      accountId: WABA,
      phoneNumberId: NUMBER.phoneNumberId,
    });
    expect(readUserPreferences(batch!.rawValue)).toEqual([
      {
        waId: '5511987654321',
        category: 'marketing_messages',
        value: 'stop',
        detail: 'User requested to stop marketing messages',
        timestampMs: 1_731_705_721_000,
      },
    ]);
  });

  it('reads a message_template_status_update, with its numeric template id', () => {
    const body = buildTemplateStatusWebhook({
      wabaId: WABA,
      waTemplateId: '900000000000001',
      name: 'order_update',
      language: 'en_US',
      status: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
      timeSeconds: 1_731_705_721,
    });
    const parsed = parseWebhook(JSON.parse(JSON.stringify(body)));
    if (!parsed.ok) throw new Error(parsed.issue);
    const [batch] = parsed.batches;
    expect(batch).toMatchObject({
      field: 'message_template_status_update',
      accountId: WABA,
      entryTimeMs: 1_731_705_721_000,
    });
    expect(readTemplateStatusUpdate(batch!.rawValue)).toEqual({
      waTemplateId: '900000000000001',
      name: 'order_update',
      language: 'en_US',
      event: 'REJECTED',
      status: 'REJECTED',
      reason: 'INCORRECT_CATEGORY',
    });
  });

  it('skips malformed preference items instead of failing the delivery', () => {
    expect(
      readUserPreferences({
        user_preferences: [{ value: 'stop' }, 'x', null, { wa_id: 1 }],
      }),
    ).toEqual([]);
    expect(readTemplateStatusUpdate({ message_template_name: 'x' })).toBeNull();
  });
});
