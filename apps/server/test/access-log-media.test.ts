import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudApiSimulator } from '@flowgento/whatsapp';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { addAgent, setupOwner } from './flows.ts';
import { getMedia, settledMedia } from './media-support.ts';

/** A media download is an access to the contact's data, and is logged as one. */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
const simulator = (): CloudApiSimulator => t.running.simulator!;

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(() => t.running);
  agent = await addAgent(() => t.running, owner);
});
afterAll(() => t.cleanup());

describe('the access log and media', () => {
  it("notes an agent's download of a customer's photo under that customer's number", async () => {
    const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
      'whatsapp.connectSimulator',
    );
    await simulator().sendCustomerMedia({
      from: '5511987654321',
      profileName: 'Ana Souza',
      phoneNumberId,
      kind: 'image',
      bytes: Buffer.alloc(2_000, 7),
      mimeType: 'image/jpeg',
      caption: 'The box arrived like this',
    });
    // The OWNER waits for the file; the AGENT only downloads it.
    const media = await settledMedia(owner);
    expect(media.state).toBe('stored');
    expect((await getMedia(t.running, media.id, agent)).status).toBe(200);

    const agentId = (await agent.query<{ userId: string }>('auth.me')).userId;
    const log = await owner.query<{ entries: { action: string; via: string }[] }>(
      'accessLog.list',
      { memberId: agentId, number: '+55 11 98765-4321' },
    );
    expect(log.entries.map((e) => [e.action, e.via])).toEqual([['download', 'media']]);
  });
});
