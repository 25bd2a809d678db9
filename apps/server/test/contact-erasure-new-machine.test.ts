import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACT_VAULT_FILE } from '@flowgento/store';
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
 * A contact erased after the restore point, then the machine lost: the
 * restore on a new machine takes the current erasure ledger from the backup
 * tier (never an old one), and the restored appliance erases the contact
 * again before it serves.
 */

let t: TestAppliance;
let work: string;
let at: string;
let kit: KeptKit;
let source: string;
let restored: RunningAppliance | undefined;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'on' });
  work = mkdtempSync(join(tmpdir(), 'fg-erase-new-machine-'));
  ({ at, kit } = await useThenLose(t, async () => {
    const flags = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
    const erased = await runCli([
      'contacts',
      'erase',
      '--workspace',
      'Acme Support',
      '--number',
      '15550001111',
      '--reason',
      'erasure request 42',
      ...flags,
    ]);
    if (erased.code !== 0) throw new Error(erased.stderr);
    source = copyBackupFolder(t);
  }));
}, 120_000);

afterAll(async () => {
  await restored?.close();
  await t.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('restoring on a new machine after an erasure', () => {
  it('brings the current erasure ledger along and erases the contact again before serving', async () => {
    const dataDir = join(work, 'data');
    const result = await runCli(newMachineRestoreArgs(kit, at, dataDir, source));
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(join(dataDir, CONTACT_VAULT_FILE))).toBe(true);
    // The restore itself erased the contact again: the folder never holds
    // its rows, whatever opens it first.
    expect(result.stdout).toContain('erasure ledger re-applied: 1 contact erased again');
    expect(result.stdout).toMatch(/rows: .*contacts=0, conversations=0, messages=0/);

    restored = await startRestored(dataDir, kit.rootKeyFile);
    const db = restored.appliance.store.db;
    expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(0);
    const actors = db
      .prepare(`SELECT actor_type FROM audit_log WHERE action = 'contact.erased'`)
      .pluck()
      .all();
    expect(actors).toEqual(['system']);
    expect(await ownerInbox(restored)).toEqual([]);
  }, 120_000);
});
