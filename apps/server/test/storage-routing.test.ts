import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageSecretAad } from '@flowgento/storage';
import {
  ApiClient,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { addWorkspaceWithMembers, type CastMember } from './flows.ts';

/**
 * Storage routing over HTTPS: who may see and change a workspace's tiers,
 * what they see of a provider, and the audit entry each change leaves.
 */

let t: TestAppliance;
let providerId: string;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  // Saved as if its live check had passed; nothing here connects to it.
  const store = t.running.appliance.store;
  providerId = store.transaction(
    () =>
      store.storageProviders.save({
        name: 'Offsite R2',
        preset: 'r2',
        endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
        region: 'auto',
        bucket: 'flowgento-media',
        accessKeyId: 'AKID-VISIBLE-NOWHERE',
        verifiedAt: 1,
        wrapSecretAccessKey: (id) =>
          t.running.appliance.keyRing.wrap('SECRET-NEVER-SHOWN', storageSecretAad(id)),
      }).id,
  );
});
afterAll(() => t.cleanup());

function cast(name: string) {
  const made = addWorkspaceWithMembers(t.running, name, ['OWNER', 'ADMIN', 'AGENT']);
  const client = (member: CastMember) => {
    const c = new ApiClient(() => t.running);
    c.cookie = member.cookie;
    return c;
  };
  const [owner, admin, agent] = made.members.map(client) as [
    ApiClient,
    ApiClient,
    ApiClient,
  ];
  return { workspaceId: made.workspaceId, owner, admin, agent };
}

interface Routing {
  tiers: { tier: string; source: string; providers: { id: string; name: string }[] }[];
  providers: { id: string; name: string; kind: string; endpointHost: string | null }[];
}

const summary = (routing: Routing) =>
  Object.fromEntries(
    routing.tiers.map((r) => [
      r.tier,
      `${r.source}: ${r.providers.map((p) => p.name).join(',')}`,
    ]),
  );

describe('storage routing over the API', () => {
  it('shows OWNERs and ADMINs the local-disk defaults, and refuses AGENTs', async () => {
    const w = cast('Defaults Co');

    for (const client of [w.owner, w.admin]) {
      const routing = await client.query<Routing>('storage.routing');
      expect(summary(routing)).toEqual({
        'media-hot': 'default: local',
        'media-archive': 'default: local',
        backup: 'default: local',
      });
    }
    const refused = await expectApiError(w.agent.query('storage.routing'));
    expect(refused.code).toBe('FORBIDDEN');
  });

  it('names providers by name, kind and host only, never their keys', async () => {
    const w = cast('Privacy Co');
    const text = JSON.stringify(await w.admin.query('storage.routing'));

    expect(text).toContain('0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com');
    expect(text).not.toMatch(/AKID-VISIBLE-NOWHERE|SECRET-NEVER-SHOWN|flowgento-media/);
  });

  it('lets only an OWNER override a tier, for their workspace alone, audited', async () => {
    const w = cast('Override Co');
    const other = cast('Bystander Co');
    const input = { tier: 'media-hot', providerIds: [providerId, 'local'] };

    for (const client of [w.admin, w.agent]) {
      const refused = await expectApiError(client.mutate('storage.setOverride', input));
      expect(refused.code).toBe('FORBIDDEN');
    }
    await w.owner.mutate('storage.setOverride', input);

    expect(summary(await w.admin.query<Routing>('storage.routing'))['media-hot']).toBe(
      'override: Offsite R2,local',
    );
    expect(
      summary(await other.owner.query<Routing>('storage.routing'))['media-hot'],
    ).toBe('default: local');
    const entry = t.running.appliance.store.db
      .prepare(
        `SELECT workspace_id AS workspaceId, details_json AS details FROM audit_log
         WHERE action = 'storage.override_changed' ORDER BY seq DESC LIMIT 1`,
      )
      .get() as { workspaceId: string; details: string };
    expect(entry.workspaceId).toBe(w.workspaceId);
    expect(JSON.parse(entry.details)).toEqual({
      tier: 'media-hot',
      from: 'default',
      to: 'Offsite R2,local',
    });
  });

  it('refuses backups on the bucket that holds media, and clears an override', async () => {
    const w = cast('Promise Co');
    await w.owner.mutate('storage.setOverride', {
      tier: 'media-hot',
      providerIds: [providerId],
    });

    const refused = await expectApiError(
      w.owner.mutate('storage.setOverride', {
        tier: 'backup',
        providerIds: [providerId],
      }),
    );
    expect(refused.reason).toBe('backup_same_as_media');

    await w.owner.mutate('storage.clearOverride', { tier: 'media-hot' });
    expect(summary(await w.owner.query<Routing>('storage.routing'))['media-hot']).toBe(
      'default: local',
    );
  });
});
