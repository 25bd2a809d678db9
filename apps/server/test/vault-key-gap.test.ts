import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHREDDED_TEXT } from '@flowgento/store';
import type { RunningAppliance } from '../src/server.ts';
import { runCli } from './cli-run.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import {
  copyBackupFolder,
  newMachineRestoreArgs,
  ownerInbox,
  startRestored,
  useThenLose,
  type KeptKit,
} from './restore-kit-world.ts';

/**
 * The vault keeper copies new contact keys every 30 s, so a machine lost
 * seconds after a new customer wrote left segments in the backup tier
 * whose texts no key in the tier could open. The backup tier is copied off
 * while the appliance still runs (no stop, which copies the vault): that
 * copy is all a new machine has.
 */

let t: TestAppliance;
let at: string;
let kit: KeptKit;
let source: string;
let restored: RunningAppliance | undefined;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'on' });
  ({ at, kit } = await useThenLose(t, undefined, () => {
    source = copyBackupFolder(t);
  }));
}, 120_000);

afterAll(async () => {
  await restored?.close();
  await t.cleanup();
});

describe('a machine lost right after a new contact wrote', () => {
  it('restores on a new machine with that contact’s messages readable', async () => {
    const dataDir = join(t.dir, 'new-machine');
    rmSync(dataDir, { recursive: true, force: true });
    const result = await runCli(newMachineRestoreArgs(kit, at, dataDir, source));
    expect(result.code, result.stderr).toBe(0);

    restored = await startRestored(dataDir, kit.rootKeyFile);
    const inbox = await ownerInbox(restored);
    expect(inbox.map((c) => c.lastMessagePreview)).toEqual(['message 2']);
    expect(JSON.stringify(inbox)).not.toContain(SHREDDED_TEXT);
  }, 120_000);
});
