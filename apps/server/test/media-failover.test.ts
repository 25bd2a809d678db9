import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import {
  parseS3Settings,
  S3StorageProvider,
  StorageProviderSettings,
} from '@flowgento/storage';
import type { CloudApiSimulator } from '@flowgento/whatsapp';
import { FaultProxy } from '../../../packages/storage/test/support/fault-proxy.ts';
import { createBucket, useRgw } from '../../../packages/storage/test/support/rgw.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { getMedia, settledMedia } from './media-support.ts';

/**
 * Issue #5's done-when, through the real media flow: the workspace's
 * media-hot tier is [A, B], two buckets on a real RADOS Gateway, each
 * behind its own fault proxy so either can be stopped. With A stopped a
 * customer's image still lands (in B) and opens; once A returns the
 * copy-back job moves it there; with B stopped it still opens, from A.
 */

const gateway = useRgw();
let proxyA: FaultProxy;
let proxyB: FaultProxy;
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
let a: string;
let b: string;
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;

/** Where the appliance records the file: `A`, `B`, a trailing `?` if unsettled. */
function placesOf(mediaId: string): string[] {
  const rows = t.running.appliance.store.db
    .prepare(
      `SELECT provider_id AS providerId, attempt_at AS attemptAt
       FROM storage_object_locations WHERE tier = 'media-hot' AND object_key LIKE ?`,
    )
    .all(`%${mediaId}`) as { providerId: string; attemptAt: number | null }[];
  return rows
    .map((l) => `${l.providerId === a ? 'A' : 'B'}${l.attemptAt === null ? '' : '?'}`)
    .sort();
}

/** Whether a bucket holds the file, looked at directly, behind the appliance's back. */
async function inBucket(bucket: string, mediaId: string): Promise<boolean> {
  const key = t.running.appliance.store.db
    .prepare('SELECT object_key FROM storage_object_locations WHERE object_key LIKE ?')
    .pluck()
    .get(`%${mediaId}`) as string;
  const server = gateway();
  const raw = new S3StorageProvider(
    parseS3Settings({
      preset: 's3-compatible',
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    }),
  );
  try {
    return (await raw.head(key)) !== undefined;
  } finally {
    raw.destroy();
  }
}

/** Polls `done`, running `each` (e.g. a job) before every look. */
async function until(
  what: string,
  done: () => boolean,
  { each = () => {}, ms = 30_000 } = {},
): Promise<void> {
  const deadline = Date.now() + ms;
  for (each(); !done(); each()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  const server = gateway();
  await createBucket(server, 'media-a');
  await createBucket(server, 'media-b');
  proxyA = await FaultProxy.start(server.endpoint);
  proxyB = await FaultProxy.start(server.endpoint);
  t = await startTestAppliance();
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  ({ phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  ));

  // The operator adds both buckets (each passes its live check); the
  // workspace's OWNER routes media-hot to them on the Storage page.
  const { store, keyRing } = t.running.appliance;
  const settings = new StorageProviderSettings(store, keyRing, silentLogger());
  const add = async (name: string, endpoint: string, bucket: string) =>
    t.running.services.storage.addProvider(
      CLI_ACTOR,
      await settings.verify({
        name,
        settings: {
          preset: 's3-compatible',
          endpoint,
          region: 'us-east-1',
          bucket,
          accessKeyId: server.accessKeyId,
          secretAccessKey: server.secretAccessKey,
        },
      }),
    ).id;
  a = await add('A', proxyA.url, 'media-a');
  b = await add('B', proxyB.url, 'media-b');
  await owner.mutate('storage.setOverride', { tier: 'media-hot', providerIds: [a, b] });
}, 90_000);

afterAll(async () => {
  await t?.cleanup();
  await proxyA?.close();
  await proxyB?.close();
});

describe('a customer’s image while a media provider is stopped', () => {
  it('lands in B and opens while A is stopped, is copied back to A, and opens from A while B is stopped', async () => {
    const image = randomBytes(180_000);
    await proxyA.down();
    await simulator().sendCustomerMedia({
      from: '5511987654321',
      profileName: 'Ana Souza',
      phoneNumberId,
      kind: 'image',
      bytes: image,
      mimeType: 'image/jpeg',
    });
    const media = await settledMedia(agent, 30_000);
    expect(media).toMatchObject({ state: 'stored', size: image.length });
    // Stored in B; A only tried (the write there may have begun).
    expect(placesOf(media.id)).toEqual(['A?', 'B']);
    expect(await inBucket('media-b', media.id)).toBe(true);
    const fromB = await getMedia(app(), media.id, agent);
    expect(fromB.status).toBe(200);
    expect(fromB.body.equals(image)).toBe(true);

    // A returns; the copy-back job moves the file home, verified.
    await proxyA.up();
    const { copyBack } = t.running.services.storageJobs;
    await until('the image is home in A', () => placesOf(media.id).join() === 'A', {
      each: () => void copyBack.run(),
    });

    expect(await inBucket('media-a', media.id)).toBe(true);
    expect(await inBucket('media-b', media.id)).toBe(false);
    await proxyB.down();
    const fromA = await getMedia(app(), media.id, agent);
    expect(fromA.status).toBe(200);
    expect(fromA.body.equals(image)).toBe(true);
  }, 60_000);
});
