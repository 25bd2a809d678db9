import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, silentLogger } from '@flowgento/core';
import { StorageProviderSettings } from '@flowgento/storage';
import { workspaceScope } from '@flowgento/store';
import { FaultProxy } from '../../../packages/storage/test/support/fault-proxy.ts';
import { createBucket, useRgw } from '../../../packages/storage/test/support/rgw.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';
import { OWNER, setupOwner } from './flows.ts';
import {
  ApiClient,
  expectApiError,
  startTestAppliance,
  TestClock,
  type TestAppliance,
} from './harness.ts';
import { contactIdOf, numberOfContact } from './sealed.ts';

/**
 * Issue #8's second done-when: a 30-day conversation rule, run under a clock
 * moved forward, deletes exactly the older conversations and their media
 * objects in every provider that holds a copy, and keeps the newer ones.
 * The workspace's media-hot tier is [A, B], two buckets on a real RADOS
 * Gateway; A is stopped while one old image arrives, so that copy lands in
 * B. A rule that would cut the audit log below a year is refused.
 */

const gateway = useRgw();
const clock = new TestClock();
let proxyA: FaultProxy;
let t: TestAppliance;
let owner: ApiClient;
let phoneNumberId: string;

const OLD_A = '5511900000001';
const OLD_B = '5511900000002';
const NEW = '5511900000003';

/** Every object key in a bucket, read behind the appliance's back. */
async function listBucket(bucket: string): Promise<string[]> {
  const server = gateway();
  const client = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    },
  });
  try {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (listed.Contents ?? []).map((o) => o.Key!).sort();
  } finally {
    client.destroy();
  }
}

/** The stored file a customer sent, once it has landed. */
async function storedFileOf(waId: string): Promise<{ id: string; objectKey: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const row = t.running.appliance.store.db
      .prepare(
        `SELECT m.id, m.object_key AS objectKey, m.state FROM media m
         JOIN messages g ON g.id = m.message_id
         JOIN conversations c ON c.id = g.conversation_id
         JOIN contacts k ON k.id = c.contact_id WHERE k.id = ?`,
      )
      .get(contactIdOf(t.running.appliance.store, waId) ?? '') as
      { id: string; objectKey: string; state: string } | undefined;
    if (row?.state === 'stored') return row;
    if (Date.now() > deadline) throw new Error(`no stored file from ${waId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function customerSendsImage(
  from: string,
): Promise<{ id: string; objectKey: string }> {
  await t.running.simulator!.sendCustomerMedia({
    from,
    profileName: `Customer ${from.slice(-1)}`,
    phoneNumberId,
    kind: 'image',
    bytes: randomBytes(40_000),
    mimeType: 'image/jpeg',
  });
  return storedFileOf(from);
}

const contactsWithConversations = () =>
  (
    t.running.appliance.store.db
      .prepare('SELECT contact_id FROM conversations')
      .pluck()
      .all() as string[]
  )
    .map((id) => numberOfContact(t.running.appliance.store, id)!)
    .sort();

const auditCount = () =>
  t.running.appliance.store.db
    .prepare('SELECT count(*) FROM audit_log')
    .pluck()
    .get() as number;

beforeAll(async () => {
  const server = gateway();
  await createBucket(server, 'keep-a');
  await createBucket(server, 'keep-b');
  proxyA = await FaultProxy.start(server.endpoint);
  t = await startTestAppliance({}, { clock });
  const app = () => t.running;
  owner = await setupOwner(app);
  ({ phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  ));
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
  const a = await add('A', proxyA.url, 'keep-a');
  const b = await add('B', server.endpoint, 'keep-b');
  await owner.mutate('storage.setOverride', { tier: 'media-hot', providerIds: [a, b] });
}, 120_000);

afterAll(async () => {
  await t?.cleanup();
  await proxyA?.close();
});

describe('a 30-day conversation rule under a clock moved forward', () => {
  it('deletes exactly the older conversations and their files in every provider, and keeps the newer', async () => {
    // The intake worker stamps no message later than its own (real) clock,
    // so the month passes from a month ago to now, not from now on.
    clock.advance(-31 * DAY_MS);
    await proxyA.down();
    const oldInB = await customerSendsImage(OLD_B);
    // Looked at while A is down: once A is back, the copy-back job (a run a
    // minute) may move this copy to A at any moment, and either way the
    // rule below must find it wherever it is.
    expect(await listBucket('keep-b')).toContain(oldInB.objectKey);
    await proxyA.up();
    const oldInA = await customerSendsImage(OLD_A);

    await owner.mutate('retention.setRule', { category: 'conversations', days: 30 });
    clock.advance(31 * DAY_MS);
    const fresh = await customerSendsImage(NEW);
    const held = [...(await listBucket('keep-a')), ...(await listBucket('keep-b'))];
    expect(held).toEqual(
      expect.arrayContaining([oldInA.objectKey, oldInB.objectKey, fresh.objectKey]),
    );

    // A dry run says what would go and removes nothing.
    const { retention } = t.running.services;
    const scope = { workspaceId: t.running.appliance.store.workspaces.list()[0]!.id };
    const acting = { ...CLI_ACTOR, scope: workspaceScope(scope.workspaceId) };
    const dry = await retention.run(acting, true);
    expect(dry.conversations).toBe(2);
    expect(contactsWithConversations()).toEqual([OLD_A, OLD_B, NEW]);

    await t.running.retentionKeeper.runNow();

    expect(contactsWithConversations()).toEqual([NEW]);
    const everywhere = [...(await listBucket('keep-a')), ...(await listBucket('keep-b'))];
    expect(everywhere).toEqual([fresh.objectKey]);
    const locations = t.running.appliance.store.db
      .prepare('SELECT DISTINCT object_key FROM storage_object_locations WHERE tier = ?')
      .pluck()
      .all('media-hot');
    expect(locations).toEqual([fresh.objectKey]);

    const ran = t.running.appliance.store.db
      .prepare(`SELECT details_json FROM audit_log WHERE action = 'retention.ran'`)
      .pluck()
      .all() as string[];
    expect(ran.map((d) => JSON.parse(d) as Record<string, number>)).toEqual([
      expect.objectContaining({ conversations: 2, mediaObjects: 2 }),
    ]);
  }, 120_000);

  it('refuses a rule that would keep the audit log under a year, naming the floor, and changes nothing', async () => {
    // The clock moved a month: the owner signs in again.
    owner = new ApiClient(() => t.running);
    await owner.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    const before = auditCount();
    const rulesBefore = await owner.query('retention.overview');
    const refused = await expectApiError(
      owner.mutate('retention.setRule', { category: 'audit_log', days: 364 }),
    );
    expect(refused.status).toBe(412);
    expect(refused.reason).toBe('retention_below_legal_floor');
    expect(refused.message).toMatch(
      /^Audit log must be kept at least 365 days.*DPDP Rules/,
    );
    // The refusal alone is written down, as rule.refused naming the rule.
    expect(auditCount()).toBe(before + 1);
    expect(await owner.query('retention.overview')).toEqual(rulesBefore);

    await owner.mutate('retention.setRule', { category: 'audit_log', days: 400 });
  });

  it('keeps a copy it could not remove on the locations list, and removes it once its provider is back', async () => {
    clock.advance(-31 * DAY_MS);
    const stale = await customerSendsImage('5511900000004');
    clock.advance(31 * DAY_MS);
    const where = () =>
      t.running.appliance.store.db
        .prepare(
          `SELECT sha256 IS NULL AS toRemove FROM storage_object_locations
           WHERE object_key = ?`,
        )
        .all(stale.objectKey) as { toRemove: number }[];
    expect(where()).toEqual([{ toRemove: 0 }]);

    await proxyA.down();
    await t.running.retentionKeeper.runNow();
    expect(contactsWithConversations()).not.toContain('5511900000004');
    // A is down: the copy stays, listed as one to remove, not forgotten.
    expect(await listBucket('keep-a')).toContain(stale.objectKey);
    expect(where()).toEqual([{ toRemove: 1 }]);

    await proxyA.up();
    const deadline = Date.now() + 30_000;
    while (where().length > 0 && Date.now() < deadline) {
      await t.running.services.storageJobs.copyBack.run();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(where()).toEqual([]);
    expect(await listBucket('keep-a')).not.toContain(stale.objectKey);
  }, 60_000);
});
