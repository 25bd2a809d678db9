import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import { matchSignature, parseWebhook, type WebhookBatch } from '../src/index.ts';
import { failureOf } from './support/graph.ts';
import { capturedLogger } from './support/logs.ts';
import type { ReceivedRequest } from './support/receiver.ts';
import { NUMBER, simulatedSetup, type SimulatedSetup } from './support/simulated.ts';

let setup: SimulatedSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const send = {
  phoneNumberId: NUMBER.phoneNumberId,
  accessToken: NUMBER.accessToken,
  body: 'Your order shipped',
};

function verifiedBatch(request: ReceivedRequest): WebhookBatch {
  const header = request.headers['x-hub-signature-256'];
  expect(matchSignature(header as string, request.body, [NUMBER.appSecret])).toBe(0);
  expect(request.headers['content-type']).toBe('application/json');
  const result = parseWebhook(JSON.parse(request.body.toString('utf8')));
  if (!result.ok) throw new Error(result.issue);
  return result.batches[0]!;
}

describe('GraphClient against the simulator', () => {
  it('gets a simulated wamid, then sent, delivered and read webhooks in order, signed', async () => {
    setup = await simulatedSetup(silentLogger());
    const { waMessageId } = await setup.client.sendText({ ...send, to: '5511987654321' });
    expect(waMessageId).toMatch(/^wamid\.SIM/);

    const requests = await setup.receiver.waitFor(3);
    const statuses = requests.map((request) => verifiedBatch(request).statuses[0]);
    expect(statuses.map((s) => s?.status)).toEqual(['sent', 'delivered', 'read']);
    for (const status of statuses) {
      expect(status).toMatchObject({
        waMessageId,
        recipientId: '5511987654321',
        errorCode: null,
      });
    }
    expect(requests[0]?.url).toBe('/webhooks/whatsapp');
    expect(verifiedBatch(requests[0]!).phoneNumberId).toBe(NUMBER.phoneNumberId);
  });

  it('reports a recipient ending in 0000 as failed with code 131026', async () => {
    setup = await simulatedSetup(silentLogger());
    const { waMessageId } = await setup.client.sendText({ ...send, to: '5511987650000' });

    const [request] = await setup.receiver.waitFor(1);
    expect(verifiedBatch(request!).statuses).toEqual([
      expect.objectContaining({ waMessageId, status: 'failed', errorCode: 131026 }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(setup.receiver.requests).toHaveLength(1);
  });

  it('accepts a template send', async () => {
    setup = await simulatedSetup(silentLogger());
    const template = {
      ...send,
      to: '5511987654321',
      name: 'order_update',
      languageCode: 'en_US',
    };
    await expect(setup.client.sendTemplate(template)).resolves.toMatchObject({
      waMessageId: expect.stringMatching(/^wamid\.SIM/),
    });
  });

  it('answers a wrong token with 401 and Graph code 190, and posts nothing', async () => {
    setup = await simulatedSetup(silentLogger());
    const error = await failureOf(
      setup.client.sendText({
        ...send,
        accessToken: 'someone-elses',
        to: '5511987654321',
      }),
    );
    expect(error.reason).toBe('graph_190');
    expect(error.details).toMatchObject({ httpStatus: 401, metaCode: 190 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(setup.receiver.requests).toHaveLength(0);
  });

  it('answers an unknown phone number id with 400 and Graph code 100', async () => {
    setup = await simulatedSetup(silentLogger());
    const error = await failureOf(
      setup.client.sendText({ ...send, phoneNumberId: '999', to: '5511987654321' }),
    );
    expect(error.details).toMatchObject({ httpStatus: 400, metaCode: 100 });
  });

  it('uses the latest registration of a number', async () => {
    setup = await simulatedSetup(silentLogger());
    setup.simulator.registerNumber({ ...NUMBER, accessToken: 'rotated-token' });
    const old = await failureOf(setup.client.sendText({ ...send, to: '5511987654321' }));
    expect(old.reason).toBe('graph_190');
    const rotated = { ...send, accessToken: 'rotated-token', to: '5511987654321' };
    await expect(setup.client.sendText(rotated)).resolves.toBeDefined();
  });

  it('names the offending field of a malformed send request', async () => {
    setup = await simulatedSetup(silentLogger());
    const response = await fetch(
      `${setup.simulator.baseUrl}/v23.0/${NUMBER.phoneNumberId}/messages`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${NUMBER.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          messaging_product: 'whatsapp',
          to: '5511987654321',
          type: 'text',
          text: {},
        }),
      },
    );
    const json = (await response.json()) as { error: { code: number; message: string } };
    expect(response.status).toBe(400);
    expect(json.error.code).toBe(100);
    expect(json.error.message).toContain('text.body');
  });

  it('cancels pending status deliveries on close', async () => {
    setup = await simulatedSetup(silentLogger(), undefined, {
      sent: 150,
      delivered: 200,
      read: 250,
    });
    await setup.client.sendText({ ...send, to: '5511987654321' });
    await setup.simulator.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(setup.receiver.requests).toHaveLength(0);
  });

  it('marks its log lines simulated and leaves tokens, secrets and text out', async () => {
    const captured = capturedLogger();
    setup = await simulatedSetup(captured.logger);
    await setup.client.sendText({ ...send, to: '5511987654321' });
    await setup.simulator.sendCustomerMessage({
      phoneNumberId: NUMBER.phoneNumberId,
      from: '5511987654321',
      profileName: 'Ana',
      text: 'Where is my parcel?',
    });
    await setup.receiver.waitFor(4);
    captured.logger.flush();

    const lines = captured.lines();
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.every((line) => line['simulated'] === true)).toBe(true);
    for (const secret of [
      NUMBER.accessToken,
      NUMBER.appSecret,
      'Your order shipped',
      'Where is my parcel?',
      '5511987654321',
    ]) {
      expect(captured.text()).not.toContain(secret);
    }
  });
});
