import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readKeyFile } from '@flowgento/crypto';
import { openEncryptedDatabase } from '@flowgento/store';
import { dataPaths, readApplianceState } from '../src/appliance-state.ts';
import { subkeysOf } from '../src/keys/subkeys.ts';
import { ApiClient, startTestAppliance, type TestAppliance } from './harness.ts';
import { OWNER, REAL_NUMBER, deliverText, setupOwner } from './flows.ts';

const CHILD = resolve(import.meta.dirname, 'rekey-child.ts');
const FILLER_ROWS = 24 * 1024;

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/**
 * Runs the rekey in a child and kills it `delayMs` after SQLite has written
 * its rollback journal in full, that is, while it rewrites the pages of the
 * file itself. Timed from the journal, not from the start, so a busy machine
 * shifts both alike.
 */
async function killDuringRekey(app: TestAppliance, delayMs: number): Promise<boolean> {
  const child = spawn(process.execPath, [
    '--import',
    'tsx',
    CHILD,
    app.config.dataDir,
    app.config.keyFile!,
  ]);
  const database = dataPaths(app.config.dataDir).database;
  let finished = false;
  let watch: NodeJS.Timeout | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (text.includes('switching')) {
      const fileSize = statSync(database).size;
      watch = setInterval(() => {
        const journal = statSync(`${database}-journal`, { throwIfNoEntry: false });
        if (!journal || journal.size < fileSize) return;
        clearInterval(watch);
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }, 1);
    }
    if (text.includes('switched')) finished = true;
  });
  await new Promise((done) => child.on('exit', done));
  clearInterval(watch);
  return finished;
}

/**
 * What a killed rekey left, judged on a copy of the file and its journal:
 * whether plain SQLite, given either key, could still open it. With
 * SQLCipher pages (appliances made before AEGIS) a kill late in the rekey
 * left a file no key opened, which is why the rekey keeps a copy of the file.
 */
function leftBehind(app: TestAppliance, oldKey: Buffer): string {
  const path = dataPaths(app.config.dataDir).database;
  if (!existsSync(`${path}-journal`)) return 'no journal';
  const scratch = mkdtempSync(join(tmpdir(), 'fg-kill-'));
  try {
    const { installationId } = readApplianceState(app.config.dataDir)!;
    const newRoot = readKeyFile(`${app.config.keyFile!}.next`);
    const keys = [oldKey, subkeysOf(newRoot, installationId).databaseKey];
    const opens = keys.some((key, index) => {
      const copy = join(scratch, `copy-${index}.db`);
      cpSync(path, copy);
      cpSync(`${path}-journal`, `${copy}-journal`);
      try {
        openEncryptedDatabase({ path: copy, key, mustExist: true }).close();
        return true;
      } catch {
        return false;
      }
    });
    return opens ? 'journal, file still opens' : 'journal, no key opens the file';
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('a database rekey killed while SQLite re-encrypts the pages', () => {
  it('leaves a data folder that the next start opens with all data', async () => {
    const outcomes: string[] = [];
    // Timing decides where each kill lands: sweep, so some land mid-rewrite.
    for (const delayMs of [0, 5, 20, 50, 100, 200]) {
      t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
      const owner = await setupOwner(() => t!.running);
      await owner.mutate('whatsapp.save', REAL_NUMBER);
      await deliverText(t.running, { text: 'kept through the crash' });
      // Enough pages (about 24 MB) that re-encrypting them takes a while.
      const db = t.running.appliance.store.db;
      db.exec('CREATE TABLE test_filler (bytes BLOB)');
      const insert = db.prepare('INSERT INTO test_filler VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < FILLER_ROWS; i += 1) insert.run(randomBytes(1000));
      })();
      const oldKey = Buffer.from(t.running.appliance.databaseKey);
      await t.stop();

      const finished = await killDuringRekey(t, delayMs);
      outcomes.push(finished ? 'finished' : leftBehind(t, oldKey));

      await t.start();
      const client = new ApiClient(() => t!.running);
      await client.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
      const list =
        await client.query<{ lastMessagePreview: string }[]>('inbox.conversations');
      expect(list.map((c) => c.lastMessagePreview)).toEqual(['kept through the crash']);
      expect((await deliverText(t.running, { text: 'after' })).status).toBe(200);
      const { store } = t.running.appliance;
      const count = store.db.prepare('SELECT count(*) FROM test_filler').pluck();
      expect(count.get()).toBe(FILLER_ROWS);
      expect(existsSync(dataPaths(t.config.dataDir).preRekeyCopy)).toBe(false);
      expect(readApplianceState(t.config.dataDir)!.pendingKeySetup).toBeUndefined();

      await t.cleanup();
      t = undefined;
    }
    // The sweep proves something only if kills landed while pages were rewritten.
    const midRewrite = outcomes.filter((outcome) => outcome.startsWith('journal'));
    expect(midRewrite.length, outcomes.join('; ')).toBeGreaterThanOrEqual(2);
  }, 240_000);
});
