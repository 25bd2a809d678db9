import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBucket, useRgw } from '../../../packages/storage/test/support/rgw.ts';
import { runCli, type CliResult } from './cli-run.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import {
  newMachineRestoreArgs,
  ownerInbox,
  startRestored,
  useThenLose,
  type KeptKit,
} from './restore-kit-world.ts';

const gateway = useRgw();
const BUCKET = 'restore-kit';
let t: TestAppliance;
let work: string;
let at: string;
let kit: KeptKit;
let live: { ownKey: CliResult; kitKey: CliResult };

/** The bucket as the operator names it on the command line; the secret apart. */
const bucketFlags = () => [
  '--preset',
  's3',
  '--endpoint',
  gateway().endpoint,
  '--region',
  'us-east-1',
  '--bucket',
  BUCKET,
  '--access-key-id',
  gateway().accessKeyId,
];
const secretEnv = () => ({ FLOWGENTO_S3_SECRET_ACCESS_KEY: gateway().secretAccessKey });

beforeAll(async () => {
  await createBucket(gateway(), BUCKET);
  work = mkdtempSync(join(tmpdir(), 'fg-new-machine-s3-'));
  // Backup off until the bucket is the backup tier, so every object is there.
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'off' });
  await t.stop();
  const folder = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
  for (const args of [
    ['storage', 'add-s3', '--name', 'offsite', ...bucketFlags()],
    ['storage', 'tier', '--tier', 'backup', '--providers', 'offsite'],
  ]) {
    const result = await runCli([...args, ...folder], secretEnv());
    if (result.code !== 0) throw new Error(result.stderr);
  }
  await t.start({ backup: {} });

  ({ at, kit } = await useThenLose(t, async (kept, point) => {
    // Beside the live folder: the appliance's own key, then the kit's.
    const restore = (more: string[]) =>
      runCli(['restore', '--to', point, ...folder, ...more]);
    live = {
      ownKey: await restore(['--into', join(work, 'own-key')]),
      kitKey: await restore(['--into', join(work, 'kit-key'), '--kit-key', kept.kitKey]),
    };
  }));
}, 180_000);
afterAll(async () => {
  await t?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

const restore = (dataDir: string, more: string[] = [], env = secretEnv()) =>
  runCli(
    [...newMachineRestoreArgs(kit, at, dataDir, 's3'), ...bucketFlags(), ...more],
    env,
  );

describe('restore --to from a bucket', () => {
  it('beside a live folder, takes the backup key from the appliance or from the kit', () => {
    for (const result of [live.ownKey, live.kitKey]) {
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/rows: .*messages=3/);
    }
  });

  it('on a new machine, refuses to run without the secret key, writing nothing', async () => {
    const dataDir = join(work, 'no-secret');
    const result = await restore(dataDir, [], { FLOWGENTO_S3_SECRET_ACCESS_KEY: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('FLOWGENTO_S3_SECRET_ACCESS_KEY');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('on a new machine, rebuilds a data folder the appliance starts from', async () => {
    const dataDir = join(work, 'data');
    const result = await restore(dataDir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('integrity_check: ok');
    expect(result.stdout).toMatch(/rows: .*messages=3/);
    expect(result.stdout + result.stderr).not.toContain(gateway().secretAccessKey);

    const restored = await startRestored(dataDir, kit.rootKeyFile);
    try {
      const inbox = await ownerInbox(restored);
      expect(inbox.map((c) => c.lastMessagePreview)).toEqual(['message 2']);
    } finally {
      await restored.close();
    }
  });
});
