import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucket, useRgw } from '../../../packages/storage/test/support/rgw.ts';
import { folderFlags, runCli } from './cli-run.ts';
import { addWorkspaceWithMembers } from './flows.ts';
import { ApiClient, startTestAppliance, type TestAppliance } from './harness.ts';

/**
 * The operator's storage commands, run as a child process against a test
 * appliance's data folder, with a real RADOS Gateway on 127.0.0.1 standing
 * in for R2 or e2.
 */

const gateway = useRgw();
let t: TestAppliance;
let flags: string[];

beforeAll(async () => {
  await createBucket(gateway(), 'media-cli');
  await createBucket(gateway(), 'backup-cli');
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  flags = folderFlags(t);
}, 60_000);
afterAll(() => t?.cleanup());

const storage = (args: string[], env: Record<string, string> = {}) =>
  runCli(['storage', ...args, ...flags], env);

function addArgs(name: string, bucket: string): string[] {
  const server = gateway();
  return [
    'add-s3',
    '--name',
    name,
    '--preset',
    's3',
    '--endpoint',
    server.endpoint,
    '--region',
    'us-east-1',
    '--bucket',
    bucket,
    '--access-key-id',
    server.accessKeyId,
  ];
}

const auditActions = () =>
  t.running.appliance.store.db
    .prepare(`SELECT action FROM audit_log WHERE action LIKE 'storage.%' ORDER BY seq`)
    .pluck()
    .all();

describe('flowgento storage', () => {
  it('refuses a reserved name, an unknown preset and an unreadable key file before any request', async () => {
    const env = { FLOWGENTO_S3_SECRET_ACCESS_KEY: 'some-secret-key' };
    const cases: [string[], Record<string, string>, string][] = [
      [addArgs('Local', 'media-cli'), env, 'The built-in local disk is called local'],
      [
        addArgs('Gateway', 'media-cli').map((arg) => (arg === 's3' ? 'toString' : arg)),
        env,
        '--preset is r2, e2 or s3',
      ],
      [
        [
          ...addArgs('Gateway', 'media-cli'),
          '--secret-access-key-file',
          join(t.dir, 'none'),
        ],
        {},
        '--secret-access-key-file: cannot read',
      ],
    ];
    for (const [args, extra, message] of cases) {
      const result = await storage(args, extra);
      expect(result.code, message).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect(auditActions()).toEqual([]);
  });

  it('lists only the local disk, and routes every tier to it, on a fresh appliance', async () => {
    const list = await storage(['providers']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^local\s+local\s+data folder\s+built in$/m);

    const routing = await storage(['routing']);
    expect(routing.stdout).toMatch(/\(appliance default\)\s+backup\s+default\s+local/);
  });

  it('adds a provider after its live check, reading the secret from the environment only', async () => {
    const secret = gateway().secretAccessKey;

    // Empty, whatever the environment running the tests holds.
    const missing = await storage(addArgs('Gateway', 'media-cli'), {
      FLOWGENTO_S3_SECRET_ACCESS_KEY: '',
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/FLOWGENTO_S3_SECRET_ACCESS_KEY/);

    const wrong = await storage(addArgs('Gateway', 'media-cli'), {
      FLOWGENTO_S3_SECRET_ACCESS_KEY: 'not-the-secret-key',
    });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('rejected the secret access key');
    expect(wrong.stderr).not.toContain('not-the-secret-key');

    const added = await storage(addArgs('Gateway', 'media-cli'), {
      FLOWGENTO_S3_SECRET_ACCESS_KEY: secret,
    });
    // The AWS SDK may warn on stderr about Node versions; no failure is printed.
    expect(added.stderr).not.toMatch(/^flowgento:/m);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/Added Gateway .*media-cli/);
    expect(`${added.stdout}${added.stderr}`).not.toContain(secret);

    const file = join(t.dir, 'secret-key');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    const fromFile = await storage([
      ...addArgs('Backups', 'backup-cli'),
      '--secret-access-key-file',
      file,
    ]);
    expect(fromFile.code).toBe(0);

    const list = await storage(['providers']);
    expect(list.stdout).toMatch(
      /^Gateway\s+s3-compatible\s+http:\/\/127\.0\.0\.1:\d+\/media-cli\s+passed /m,
    );
    expect(list.stdout).not.toContain(secret);
    expect(auditActions()).toEqual(['storage.provider_added', 'storage.provider_added']);
  }, 60_000);

  it('sets tier defaults, refuses backups on the media bucket, and shows every workspace', async () => {
    const media = await storage([
      'tier',
      '--tier',
      'media-hot',
      '--providers',
      'Gateway,local',
    ]);
    expect(media.code).toBe(0);
    const same = await storage(['tier', '--tier', 'backup', '--providers', 'Gateway']);
    expect(same.code).toBe(1);
    expect(same.stderr).toMatch(
      /backup tier's provider "Gateway" stores to the same bucket "media-cli" at 127\.0\.0\.1:\d+ as "Gateway" of the media-hot tier/,
    );
    expect(
      (await storage(['tier', '--tier', 'backup', '--providers', 'Backups'])).code,
    ).toBe(0);
    expect((await storage(['tier', '--tier', 'cold', '--providers', 'local'])).code).toBe(
      2,
    );

    const w = addWorkspaceWithMembers(t.running, 'Override Ltd', ['OWNER']);
    const owner = new ApiClient(() => t.running);
    owner.cookie = w.members[0]!.cookie;
    await owner.mutate('storage.setOverride', {
      tier: 'media-archive',
      providerIds: ['local'],
    });

    const routing = await storage(['routing']);
    expect(routing.stdout).toMatch(
      /\(appliance default\)\s+media-hot\s+default\s+Gateway > local/,
    );
    expect(routing.stdout).toMatch(/Override Ltd\s+media-archive\s+override\s+local/);
    expect(routing.stdout).toMatch(/Override Ltd\s+backup\s+default\s+Backups/);
  });

  it('refuses to remove a provider a tier lists, then removes it once none does', async () => {
    const refused = await storage(['remove', '--name', 'Backups']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/still listed by the default backup tier/);

    await storage(['tier', '--tier', 'backup', '--providers', 'local']);
    const removed = await storage(['remove', '--name', 'Backups']);
    expect(removed.code).toBe(0);
    expect((await storage(['remove', '--name', 'local'])).code).toBe(2);
    expect(auditActions().slice(2)).toEqual([
      'storage.tier_changed',
      'storage.tier_changed',
      'storage.override_changed',
      'storage.tier_changed',
      'storage.provider_removed',
    ]);
  });
});
