import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import { localFolderFor } from '@flowgento/storage';
import { loadConfig } from '../src/config.ts';
import { startAppliance } from '../src/server.ts';
import { ApiClient, startTestAppliance, type TestAppliance } from './harness.ts';
import { OWNER, REAL_NUMBER, deliverText, setupOwner } from './flows.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../bin/flowgento.mjs');

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, FLOWGENTO_LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('flowgento --help', () => {
  it.each(['serve', 'backup', 'restore', 'simulate'])(
    'explains the %s command',
    async (command) => {
      const result = await cli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: flowgento ${command}`);
      expect(result.stdout).toContain('--data-dir');
    },
  );

  it('lists every command and refuses an unknown one', async () => {
    const help = await cli(['--help']);
    expect(help.stdout).toMatch(/serve[\s\S]*backup[\s\S]*restore[\s\S]*simulate/);
    const unknown = await cli(['explode']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "explode"');
  });
});

describe('backup and restore through the CLI', () => {
  let t: TestAppliance;
  let work: string;
  beforeAll(async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    work = mkdtempSync(join(tmpdir(), 'fg-cli-'));
    const owner = await setupOwner(() => t.running);
    await owner.mutate('whatsapp.save', REAL_NUMBER);
    for (let i = 0; i < 5; i += 1) await deliverText(t.running, { text: `message ${i}` });
  });
  afterAll(async () => {
    await t.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  it('writes an encrypted snapshot while the appliance runs, and restores it verified into a new folder', async () => {
    const keyFile = t.running.appliance.keyFilePath!;
    const backup = await cli([
      'backup',
      '--data-dir',
      t.config.dataDir,
      '--key-file',
      keyFile,
      '--to',
      work,
    ]);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/\[1\/4\][\s\S]*\[4\/4\] done/);
    const [folder] = readdirSync(work);
    const snapshot = readFileSync(join(work, folder!, 'flowgento.db'));
    expect(snapshot.includes('message 3')).toBe(false);
    expect(snapshot.subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');

    // An empty data folder has no backup tier of its own: the contact
    // vault (contacts' keys) is refused rather than the texts left unreadable.
    const bare = join(work, 'no-vault');
    const refused = await cli([
      'restore',
      '--from',
      join(work, folder!),
      '--data-dir',
      bare,
      '--key-file',
      keyFile,
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/contact vault \(contact-keys\.db[\s\S]*--source/);
    expect(existsSync(bare)).toBe(false);
    // The refusal comes before any step that claims the restore was done.
    expect(refused.stdout).toContain('[2/4] verifying integrity');
    expect(refused.stdout).not.toMatch(/moving into place|\[4\/4\] done/);

    // A stop copies the vault to the backup tier, which the operator copies off.
    await t.stop();
    await t.start();
    const tierCopy = join(work, 'backup-tier-copy');
    cpSync(localFolderFor(t.config.dataDir, 'backup'), tierCopy, { recursive: true });
    const target = join(work, 'restored');
    const restore = await cli([
      'restore',
      '--from',
      join(work, folder!),
      '--data-dir',
      target,
      '--key-file',
      keyFile,
      '--source',
      tierCopy,
    ]);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain('contact vault: the newest from');
    expect(restore.stdout).toMatch(/\[3\/4\] moving into place\n {2}\[4\/4\] done/);
    expect(existsSync(join(target, 'contact-keys.db'))).toBe(true);
    expect(restore.stdout).toContain('integrity_check: ok');
    expect(restore.stdout).toContain('messages=5');
    expect(restore.stdout).toContain('restored: tls/ca.crt');
    expect(statSync(join(target, 'flowgento.db')).mode & 0o777).toBe(0o600);

    const restored = await startAppliance(
      loadConfig({
        env: {
          FLOWGENTO_DATA_DIR: target,
          FLOWGENTO_KEY_FILE: keyFile,
          FLOWGENTO_PORT: '0',
          FLOWGENTO_HTTP_PORT: 'off',
          FLOWGENTO_HOST: '127.0.0.1',
          FLOWGENTO_SIMULATOR: 'off',
        },
      }),
      { logger: silentLogger() },
    );
    try {
      // The CA came back too: office devices that trust it keep trusting the restore.
      expect(restored.tls.caFingerprint256).toBe(t.running.tls.caFingerprint256);
      const client = new ApiClient(() => restored);
      await client.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
      const inbox =
        await client.query<{ lastMessagePreview: string }[]>('inbox.conversations');
      // The texts read: the vault came from the backup tier.
      expect(inbox.map((c) => c.lastMessagePreview)).toEqual(['message 4']);
    } finally {
      await restored.close();
    }
  });

  it('refuses to restore over an existing database, changing nothing', async () => {
    const [folder] = readdirSync(work).filter((name) =>
      name.startsWith('flowgento-backup-'),
    );
    const result = await cli([
      'restore',
      '--from',
      join(work, folder!),
      '--data-dir',
      t.config.dataDir,
      '--key-file',
      t.running.appliance.keyFilePath!,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/already holds a database/);
  });

  it('refuses a snapshot whose bytes no longer match the manifest', async () => {
    const [folder] = readdirSync(work).filter((name) =>
      name.startsWith('flowgento-backup-'),
    );
    const snapshotPath = join(work, folder!, 'flowgento.db');
    const bytes = readFileSync(snapshotPath);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(snapshotPath, bytes);
    const result = await cli([
      'restore',
      '--from',
      join(work, folder!),
      '--data-dir',
      join(work, 'tampered'),
      '--key-file',
      t.running.appliance.keyFilePath!,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/checksum does not match/);
  });
});

describe('configuration errors', () => {
  it('names the field and the file when the config file is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-config-'));
    try {
      writeFileSync(
        join(dir, 'flowgento.config.json'),
        JSON.stringify({ port: 'eighty', simulator: { enabled: 'yes' } }),
      );
      expect(() => loadConfig({ env: { FLOWGENTO_DATA_DIR: dir } })).toThrow(
        /flowgento\.config\.json[\s\S]*port: [\s\S]*simulator\.enabled: /,
      );
      const result = await cli(['serve', '--data-dir', dir]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/Configuration is invalid/);
      expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown setting rather than ignoring a typo', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-config-'));
    try {
      writeFileSync(
        join(dir, 'flowgento.config.json'),
        JSON.stringify({ simulater: { enabled: false } }),
      );
      expect(() => loadConfig({ env: { FLOWGENTO_DATA_DIR: dir } })).toThrow(/simulater/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the variable when an environment value is wrong', () => {
    expect(() => loadConfig({ env: { FLOWGENTO_SIMULATOR: 'banana' } })).toThrow(
      /FLOWGENTO_SIMULATOR must be on or off/,
    );
    expect(() => loadConfig({ env: { FLOWGENTO_HTTP_PORT: 'maybe' } })).toThrow(
      /FLOWGENTO_HTTP_PORT must be a whole number/,
    );
    expect(() =>
      loadConfig({ env: { FLOWGENTO_PORT: '8443', FLOWGENTO_HTTP_PORT: '8443' } }),
    ).toThrow(/httpRedirectPort: must differ from port/);
    expect(loadConfig({ env: { FLOWGENTO_SIMULATOR: 'false' } }).simulator.enabled).toBe(
      false,
    );
  });
});
