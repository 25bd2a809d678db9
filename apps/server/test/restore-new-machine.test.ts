import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-run.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import {
  copyBackupFolder,
  ownerInbox,
  startRestored,
  useThenLose,
  type KeptKit,
} from './restore-kit-world.ts';

let t: TestAppliance;
let work: string;
let at: string;
let kit: KeptKit;
let source: string;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'on' });
  work = mkdtempSync(join(tmpdir(), 'fg-new-machine-'));
  ({ at, kit } = await useThenLose(t, () => {
    source = copyBackupFolder(t);
  }));
}, 120_000);
afterAll(async () => {
  await t.cleanup();
  rmSync(work, { recursive: true, force: true });
});

/** `restore --to` on a machine that never held this appliance. */
const restore = (dataDir: string, change: Record<string, string> = {}) => {
  const flags = {
    to: at,
    'data-dir': dataDir,
    'installation-id': kit.installationId,
    'kit-key': kit.kitKey,
    'key-file': kit.rootKeyFile,
    source,
    ...change,
  };
  return runCli(['restore', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v])]);
};

describe('restore on a new machine from the recovery kit and a copied backup folder', () => {
  it('refuses a mistyped kit key by its checksum, and writes nothing', async () => {
    const groups = kit.kitKey.split('-');
    // One character of the first group swapped for another of the alphabet.
    groups[0] = (groups[0]![0] === 'A' ? 'B' : 'A') + groups[0]!.slice(1);
    const dataDir = join(work, 'typo');
    const result = await restore(dataDir, { 'kit-key': groups.join('-') });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('does not match its checksum');
    expect(existsSync(dataDir)).toBe(false);

    // The same key from the environment, kept out of the shell's history.
    const flags = ['--to', at, '--data-dir', dataDir, '--installation-id'];
    const fromEnv = await runCli(
      ['restore', ...flags, kit.installationId, '--key-file', kit.rootKeyFile],
      { FLOWGENTO_KIT_KEY: groups.join('-') },
    );
    expect(fromEnv.stderr).toContain('does not match its checksum');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a wrong installation id, naming it, and leaves no folder behind', async () => {
    const dataDir = join(work, 'wrong-id');
    const result = await restore(dataDir, { 'installation-id': 'not-this-appliance' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /could not be opened with this backup key for installation not-this-appliance/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a root key that is not the kit’s, and leaves no folder behind', async () => {
    const wrongKey = join(work, 'wrong.key');
    writeFileSync(wrongKey, randomBytes(32).toString('hex'), { mode: 0o600 });
    const dataDir = join(work, 'wrong-root');
    const result = await restore(dataDir, { 'key-file': wrongKey });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('does not belong to this appliance');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a data folder that already holds a database, changing nothing', async () => {
    const dataDir = join(work, 'occupied');
    rmSync(dataDir, { recursive: true, force: true });
    const first = await restore(dataDir);
    expect(first.code, first.stderr).toBe(0);
    rmSync(join(dataDir, 'appliance.json'));
    const before = readdirSync(dataDir).sort();
    const again = await restore(dataDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a database');
    expect(readdirSync(dataDir).sort()).toEqual(before);
  });

  it('rebuilds a data folder the appliance starts from, with the rows of that time', async () => {
    const dataDir = join(work, 'data');
    const result = await restore(dataDir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('integrity_check: ok');
    expect(result.stdout).toMatch(/rows: .*messages=3/);
    expect(readdirSync(dataDir).filter((name) => name.startsWith('.restore-'))).toEqual(
      [],
    );

    const restored = await startRestored(dataDir, kit.rootKeyFile);
    try {
      const inbox = await ownerInbox(restored);
      expect(inbox).toHaveLength(1);
      // The message sent after the restore point is not there.
      expect(inbox[0]!.lastMessagePreview).toBe('message 2');
      const actions = restored.appliance.store.db
        .prepare("SELECT action FROM audit_log WHERE action = 'backup.restored_to_time'")
        .pluck()
        .all();
      expect(actions).toHaveLength(1);
    } finally {
      await restored.close();
    }
  });
});
