import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { newestMedia, settledMedia } from './media-support.ts';

/**
 * A customer's file name stored before names were sealed (issue 8) is
 * sealed under its contact's key at the next start, before the appliance
 * serves, and the agent still sees it.
 */
let t: TestAppliance;
let agent: ApiClient;
let phoneNumberId: string;
const app = (): RunningAppliance => t.running;
const NAME = 'Bia Lima - lease contract.pdf';

beforeAll(async () => {
  t = await startTestAppliance();
  const owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  phoneNumberId = (
    await owner.mutate<{ phoneNumberId: string }>('whatsapp.connectSimulator')
  ).phoneNumberId;
}, 60_000);
afterAll(async () => {
  await t.cleanup();
});

const storedName = (id: string) =>
  app()
    .appliance.store.db.prepare('SELECT filename FROM media WHERE id = ?')
    .pluck()
    .get(id) as string;

describe('a file name stored in plain text before names were sealed', () => {
  it('is sealed in the database at the next start, and still shown to the agent', async () => {
    await app().simulator!.sendCustomerMedia({
      from: '5511987600043',
      profileName: 'Bia Lima',
      phoneNumberId,
      kind: 'document',
      bytes: Buffer.from('%PDF-1.4 lease'),
      mimeType: 'application/pdf',
      filename: NAME,
    });
    const media = await settledMedia(agent);
    expect(media).toMatchObject({ state: 'stored', filename: NAME });
    // As an appliance before the sealing wrote it.
    app()
      .appliance.store.db.prepare('UPDATE media SET filename = ? WHERE id = ?')
      .run(NAME, media.id);
    expect(storedName(media.id)).toBe(NAME);

    await t.restart();

    expect(storedName(media.id)).toMatch(/^fgc1:/);
    expect(storedName(media.id)).not.toContain('lease');
    expect(await newestMedia(agent)).toMatchObject({ id: media.id, filename: NAME });
  }, 90_000);
});
