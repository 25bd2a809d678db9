import type { Logger } from '@flowgento/core';
import {
  GraphClient,
  startCloudApiSimulator,
  type CloudApiSimulator,
  type SimulatedNumber,
} from '../../src/index.ts';
import { startReceiver, type Receiver, type Reply } from './receiver.ts';

export const NUMBER: SimulatedNumber = {
  phoneNumberId: '109876543210',
  displayPhoneNumber: '15550001111',
  accessToken: 'EAAG-simulated-token',
  appSecret: 'simulated-app-secret',
};

export interface SimulatedSetup {
  simulator: CloudApiSimulator;
  receiver: Receiver;
  client: GraphClient;
  close(): Promise<void>;
}

/** A simulator posting its webhooks to a recording receiver, and a client for it. */
export async function simulatedSetup(
  logger: Logger,
  answer: (index: number) => Reply = () => ({ status: 200 }),
  delays = { sent: 10, delivered: 40, read: 70 },
): Promise<SimulatedSetup> {
  const receiver = await startReceiver((_req, index) => answer(index));
  const simulator = await startCloudApiSimulator({
    webhookUrl: `${receiver.url}/webhooks/whatsapp`,
    logger,
    statusDelaysMs: delays,
  });
  simulator.registerNumber(NUMBER);
  const client = new GraphClient({
    baseUrl: simulator.baseUrl,
    apiVersion: 'v23.0',
    maxAttempts: 1,
  });
  return {
    simulator,
    receiver,
    client,
    async close() {
      await simulator.close();
      await receiver.close();
    },
  };
}
