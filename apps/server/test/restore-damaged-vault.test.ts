import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-run.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import {
  copyBackupFolder,
  newMachineRestoreArgs,
  useThenLose,
  type KeptKit,
} from './restore-kit-world.ts';

/**
 * A new machine's `restore --to` given a backup folder whose contact vault
 * object was damaged (bytes changed on the disk that kept it) refuses with
 * a typed error naming the vault object, and leaves nothing behind: no
 * data folder, no files written.
 */

let t: TestAppliance;
let at: string;
let kit: KeptKit;
let source: string;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'on' });
  // Copied after the stop, which copies the contact vault to the tier.
  ({ at, kit } = await useThenLose(t, () => {
    source = copyBackupFolder(t);
  }));
}, 120_000);

afterAll(async () => {
  await t.cleanup();
});

describe('a new-machine restore from a backup whose contact vault is damaged', () => {
  it('refuses, naming the damaged vault object, and writes nothing', async () => {
    const vaults = readdirSync(join(source, 'vault'));
    expect(vaults).toHaveLength(1);
    const object = join(source, 'vault', vaults[0]!);
    const bytes = readFileSync(object);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(object, bytes);

    const dataDir = join(t.dir, 'new-machine');
    rmSync(dataDir, { recursive: true, force: true });
    const before = readdirSync(t.dir).sort();
    const result = await runCli(newMachineRestoreArgs(kit, at, dataDir, source));

    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toMatch(/unexpected/i);
    expect(result.stderr).toMatch(/contact vault/i);
    expect(result.stderr).toContain(`(vault/${vaults[0]!}) is damaged`);
    expect(result.code).toBe(1);
    expect(existsSync(dataDir)).toBe(false);
    expect(readdirSync(t.dir).sort()).toEqual(before);
  }, 120_000);
});
