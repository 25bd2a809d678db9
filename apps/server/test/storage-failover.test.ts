import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import { workspaceScope, type WorkspaceScope } from '@flowgento/store';
import {
  parseS3Settings,
  S3StorageProvider,
  StorageProviderSettings,
} from '@flowgento/storage';
import { FaultProxy } from '../../../packages/storage/test/support/fault-proxy.ts';
import { createBucket, useRgw } from '../../../packages/storage/test/support/rgw.ts';
import { readAll } from '../../../packages/storage/test/support/errors.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';
import { httpsRequest, startTestAppliance, type TestAppliance } from './harness.ts';

/**
 * Issue #5's promise, through the running appliance: with the first
 * provider of a tier stopped, media still lands and is readable; once the
 * provider returns the copy-back job moves it there (even across a restart
 * in the middle of a run), and no object is lost or changed.
 * A = bucket `home-a` behind a fault proxy, B = bucket `away-b`, both on a
 * real RADOS Gateway.
 */

const gateway = useRgw();
let proxy: FaultProxy;
let t: TestAppliance;
let scope: WorkspaceScope;
let a: string;
let b: string;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const objects = Array.from({ length: 12 }, (_, i) => ({
  key: `media/${String(i).padStart(2, '0')}.jpg`,
  bytes: randomBytes(8 * 1024 + i * 997),
}));

/** A bucket read directly, behind the appliance's back. */
function bucket(name: string): S3StorageProvider {
  const server = gateway();
  return new S3StorageProvider(
    parseS3Settings({
      preset: 's3-compatible',
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket: name,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    }),
  );
}

/** Where the appliance has each object: `A`, `B`, settled or not. */
function placesOf(key: string): string[] {
  return t.running.appliance.store
    .in(scope)
    .objectLocations.locations('media-hot', key)
    .map((l) => `${l.providerId === a ? 'A' : 'B'}${l.attemptAt === null ? '' : '?'}`)
    .sort();
}

async function until(what: string, done: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  const server = gateway();
  await createBucket(server, 'home-a');
  await createBucket(server, 'away-b');
  proxy = await FaultProxy.start(server.endpoint);
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });

  // The operator's path: each provider passes its live check, then is listed.
  const { store, keyRing } = t.running.appliance;
  const settings = new StorageProviderSettings(store, keyRing, silentLogger());
  const add = async (name: string, endpoint: string, bucketName: string) =>
    t.running.services.storage.addProvider(
      CLI_ACTOR,
      await settings.verify({
        name,
        settings: {
          preset: 's3-compatible',
          endpoint,
          region: 'us-east-1',
          bucket: bucketName,
          accessKeyId: server.accessKeyId,
          secretAccessKey: server.secretAccessKey,
        },
      }),
    ).id;
  a = await add('A', proxy.url, 'home-a');
  b = await add('B', server.endpoint, 'away-b');
  t.running.services.storage.setDefault(CLI_ACTOR, 'media-hot', [a, b]);
  scope = workspaceScope(store.workspaces.create('Acme Clinic').id);
}, 60_000);

afterAll(async () => {
  await t?.cleanup();
  await proxy?.close();
});

describe('failover of a media tier through the running appliance', () => {
  it('lands and reads media on B while A is stopped, and shows A down', async () => {
    await proxy.down();
    for (const { key, bytes } of objects) {
      const stored = await t.running.services.objects.put(
        scope,
        'media-hot',
        key,
        () => bytes,
        { contentType: 'image/jpeg' },
      );
      expect(stored).toMatchObject({ providerId: b, sha256: sha256(bytes) });
    }
    for (const { key, bytes } of objects) {
      const expected = { size: bytes.length, sha256: sha256(bytes) };
      const read = await readAll(
        await t.running.services.objects.get(scope, 'media-hot', key, expected),
      );
      expect(read.equals(bytes)).toBe(true);
    }

    const health = t.running.services.storageStatus.forWorkspace(scope);
    expect(health.providers.map((p) => [p.name, p.state])).toEqual([
      ['A', 'down'],
      ['B', 'up'],
      // The other tiers' built-in default, untouched by this test.
      ['local', 'unknown'],
    ]);
    expect(health.awayFromFirst).toEqual([
      { tier: 'media-hot', firstProvider: 'A', objects: objects.length },
    ]);

    const { token } = t.running.services.metricsTokens.create(CLI_ACTOR, 'prometheus');
    const scrape = await httpsRequest(t.running, 'GET', '/metrics', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(scrape.status).toBe(200);
    expect(scrape.body).toContain(
      'flowgento_storage_provider_up{provider="A",kind="s3"} 0',
    );
    expect(scrape.body).toContain(
      'flowgento_storage_provider_up{provider="B",kind="s3"} 1',
    );
  });

  it('copies everything back to A once it returns, across a restart mid-run, losing nothing', async () => {
    // Slow writes to A, so the appliance can be stopped in the middle of a run.
    await proxy.up();
    proxy.set({ kind: 'latency', ms: 300 }, { method: 'PUT' });
    const { prober } = t.running.services.storageJobs;
    prober.forgetWaits();
    await prober.probeDue();
    const home = () => objects.filter(({ key }) => placesOf(key).join() === 'A').length;
    await until('copy-back has moved a few objects', () => home() >= 2);
    expect(home()).toBeLessThan(objects.length - 2);
    await t.stop();
    // The stop cut a run short (its object's step abandoned, not half-recorded).
    expect(t.logs.text).toMatch(/"stopped":true[^\n]*storage copy-back run/);

    proxy.pass();
    await t.start();
    await until('every object is home', () => home() === objects.length);

    const [rawA, rawB] = [bucket('home-a'), bucket('away-b')];
    try {
      for (const { key, bytes } of objects) {
        expect(placesOf(key)).toEqual(['A']);
        const expected = { size: bytes.length, sha256: sha256(bytes) };
        expect((await readAll(await rawA.get(key, expected))).equals(bytes)).toBe(true);
        expect(await rawB.head(key)).toBeUndefined();
        const read = await readAll(
          await t.running.services.objects.get(scope, 'media-hot', key, expected),
        );
        expect(read.equals(bytes)).toBe(true);
      }
    } finally {
      rawA.destroy();
      rawB.destroy();
    }
    expect(t.logs.text).toContain('storage copy-back run');
    expect(t.running.services.storageStatus.forWorkspace(scope).awayFromFirst).toEqual(
      [],
    );
  }, 90_000);
});
