import { afterEach, describe, expect, it } from 'vitest';
import { AppError, silentLogger } from '@flowgento/core';
import { matchSignature, parseWebhook, startCloudApiSimulator } from '../src/index.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { NUMBER, simulatedSetup, type SimulatedSetup } from './support/simulated.ts';
import { selfSignedLoopbackCertificate } from './support/tls.ts';

let setup: SimulatedSetup | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await setup?.close();
  await receiver?.close();
  setup = undefined;
  receiver = undefined;
});

const customer = {
  phoneNumberId: NUMBER.phoneNumberId,
  from: '5511987654321',
  profileName: 'Ana Souza',
  text: 'Where is my parcel?',
};

describe('simulated customer messages', () => {
  it('posts a signed inbound text webhook and resolves when the appliance answers 200', async () => {
    setup = await simulatedSetup(silentLogger());
    const { waMessageId } = await setup.simulator.sendCustomerMessage(customer);

    expect(waMessageId).toMatch(/^wamid\.SIM/);
    const [request] = setup.receiver.requests;
    const header = request?.headers['x-hub-signature-256'] as string;
    expect(matchSignature(header, request!.body, [NUMBER.appSecret])).toBe(0);
    expect(request?.headers['content-type']).toBe('application/json');

    const result = parseWebhook(JSON.parse(request!.body.toString('utf8')));
    expect(result.ok && result.batches[0]).toMatchObject({
      phoneNumberId: NUMBER.phoneNumberId,
      displayPhoneNumber: NUMBER.displayPhoneNumber,
      contacts: [{ waId: '5511987654321', profileName: 'Ana Souza' }],
      messages: [
        { waMessageId, from: '5511987654321', type: 'text', text: 'Where is my parcel?' },
      ],
    });
  });

  it('rejects with UPSTREAM_FAILED when the appliance answers 401', async () => {
    setup = await simulatedSetup(silentLogger(), () => ({ status: 401 }));
    const error = await setup.simulator
      .sendCustomerMessage(customer)
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'UPSTREAM_FAILED',
      details: { httpStatus: 401 },
    });
    expect(setup.receiver.requests).toHaveLength(1);
  });

  it('rejects with UPSTREAM_FAILED when nothing listens at the webhook URL', async () => {
    setup = await simulatedSetup(silentLogger());
    await setup.receiver.close();
    await expect(setup.simulator.sendCustomerMessage(customer)).rejects.toMatchObject({
      code: 'UPSTREAM_FAILED',
      reason: 'webhook_unreachable',
    });
  });

  it('refuses to send once closed, and closing twice is harmless', async () => {
    setup = await simulatedSetup(silentLogger());
    await setup.simulator.close();
    await setup.simulator.close();
    await expect(setup.simulator.sendCustomerMessage(customer)).rejects.toMatchObject({
      code: 'PRECONDITION_FAILED',
    });
  });

  it('refuses a phone number id that was never registered', async () => {
    setup = await simulatedSetup(silentLogger());
    const promise = setup.simulator.sendCustomerMessage({
      ...customer,
      phoneNumberId: '1',
    });
    await expect(promise).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('simulated status deliveries', () => {
  it('retries a status the appliance refused before moving on to the next', async () => {
    setup = await simulatedSetup(silentLogger(), (index) => ({
      status: index === 0 ? 500 : 200,
    }));
    await setup.client.sendText({
      phoneNumberId: NUMBER.phoneNumberId,
      accessToken: NUMBER.accessToken,
      to: '5511987654321',
      body: 'Hello',
    });

    const requests = await setup.receiver.waitFor(4);
    const statuses = requests.map((request) => {
      const result = parseWebhook(JSON.parse(request.body.toString('utf8')));
      return result.ok ? result.batches[0]?.statuses[0]?.status : result.issue;
    });
    expect(statuses).toEqual(['sent', 'sent', 'delivered', 'read']);
  });

  it('delivers to an https webhook trusted through caCertPem', async () => {
    const tls = selfSignedLoopbackCertificate();
    receiver = await startReceiver(() => ({ status: 200 }), tls);
    const simulator = await startCloudApiSimulator({
      webhookUrl: `${receiver.url}/hook`,
      caCertPem: tls.cert,
      logger: silentLogger(),
    });
    try {
      simulator.registerNumber(NUMBER);
      await expect(simulator.sendCustomerMessage(customer)).resolves.toBeDefined();
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await simulator.close();
    }
  });
});

describe('simulator configuration', () => {
  it.each([
    'http://192.0.2.10/hook',
    'https://192.0.2.10/hook',
    'http://example.com/hook',
  ])('refuses to post webhooks to %s, off this machine', async (webhookUrl) => {
    const promise = startCloudApiSimulator({ webhookUrl, logger: silentLogger() });
    await expect(promise).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('listens on 127.0.0.1 only', async () => {
    setup = await simulatedSetup(silentLogger());
    expect(setup.simulator.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
