import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '@flowgento/core';
import { localFolderFor } from '@flowgento/storage';
import { loadConfig } from '../src/config.ts';
import { startAppliance, type RunningAppliance } from '../src/server.ts';
import { runCli } from './cli-run.ts';
import { deliverText, OWNER, REAL_NUMBER, setupOwner } from './flows.ts';
import { ApiClient, type TestAppliance } from './harness.ts';

/** What the OWNER keeps of a lost appliance: the kit, read as a person would. */
export interface KeptKit {
  text: string;
  installationId: string;
  /** The BACKUP KEY lines, as typed back. */
  kitKey: string;
  /** The DATABASE ROOT KEY line, written to a file as the kit says. */
  rootKeyFile: string;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * An appliance with continuous backup (its own backup key) takes three
 * messages, then, after the returned time, a fourth. The kit is written
 * with the CLI; `beforeLoss` sees the old machine once more, then its data
 * folder and key file are lost. `whileRunning` sees it once the fourth
 * message is shipped, before the stop (which copies the contact vault).
 */
export async function useThenLose(
  t: TestAppliance,
  beforeLoss: (kit: KeptKit, at: string) => unknown = () => undefined,
  whileRunning: () => unknown = () => undefined,
): Promise<{ at: string; kit: KeptKit }> {
  const owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  for (let i = 0; i < 3; i += 1) await deliverText(t.running, { text: `message ${i}` });
  const engine = t.running.backup!;
  await sleep(600);
  await engine.flush();
  const at = new Date().toISOString();
  await sleep(1100);
  await deliverText(t.running, { text: 'message after the restore point' });
  await engine.flush();
  await whileRunning();
  await t.stop();

  const kitFile = join(t.dir, 'kit.txt');
  const written = await runCli([
    'backup',
    'kit',
    '--out',
    kitFile,
    '--data-dir',
    t.config.dataDir,
    '--key-file',
    t.config.keyFile!,
  ]);
  if (written.code !== 0) throw new Error(written.stderr);
  const kit = readKit(readFileSync(kitFile, 'utf8'), join(t.dir, 'root.key'));
  await beforeLoss(kit, at);
  rmSync(t.config.dataDir, { recursive: true, force: true });
  rmSync(t.config.keyFile!, { force: true });
  return { at, kit };
}

/** The old machine's built-in backup folder, copied off before the loss. */
export function copyBackupFolder(t: TestAppliance): string {
  const copy = join(t.dir, 'backup-copy');
  cpSync(localFolderFor(t.config.dataDir, 'backup'), copy, { recursive: true });
  return copy;
}

function readKit(text: string, rootKeyFile: string): KeptKit {
  const lines = text.split('\n');
  const installationId = /^Installation\s+(\S+)$/m.exec(text)![1]!;
  const keyAt = lines.indexOf('BACKUP KEY');
  const kitKey = lines
    .slice(keyAt + 1, keyAt + 3)
    .map((line) => line.trim())
    .join('-');
  const rootAt = lines.findIndex((line) => line.startsWith('DATABASE ROOT KEY'));
  writeFileSync(rootKeyFile, `${lines[rootAt + 1]!.replace(/\s/g, '')}\n`, {
    mode: 0o600,
  });
  return { text, installationId, kitKey, rootKeyFile };
}

/** Starts an appliance on a restored data folder, as `npm start` would. */
export function startRestored(dataDir: string, keyFile: string) {
  return startAppliance(
    loadConfig({
      env: {
        FLOWGENTO_DATA_DIR: dataDir,
        FLOWGENTO_KEY_FILE: keyFile,
        FLOWGENTO_PORT: '0',
        FLOWGENTO_HTTP_PORT: 'off',
        FLOWGENTO_HOST: '127.0.0.1',
        FLOWGENTO_SIMULATOR: 'off',
        FLOWGENTO_BACKUP: 'off',
      },
    }),
    { logger: silentLogger() },
  );
}

/** Signs the OWNER in on the restored appliance and reads the inbox. */
export async function ownerInbox(app: RunningAppliance) {
  const client = new ApiClient(() => app);
  await client.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
  return client.query<{ lastMessagePreview: string }[]>('inbox.conversations');
}

/**
 * `flowgento restore --to` on a new machine, as an operator types it from
 * the recovery kit: the point, the empty data folder, the kit's
 * installation id, backup key and root key file, and where the backup is.
 */
export function newMachineRestoreArgs(
  kit: KeptKit,
  at: string,
  dataDir: string,
  source: string,
): string[] {
  // prettier-ignore
  return [
    'restore', '--to', at, '--data-dir', dataDir,
    '--installation-id', kit.installationId, '--kit-key', kit.kitKey,
    '--key-file', kit.rootKeyFile, '--source', source,
  ];
}
