import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEncryptedDatabase } from '@flowgento/store';
import { runCli } from './cli-run.ts';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';

/**
 * What `restore --to` leaves in the folder it restores into. The checks it
 * ran on the rebuilt file opened it read-only, and SQLite left that
 * connection's `-wal` and `-shm` beside it, under the file's temporary name.
 */

let t: TestAppliance;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'on' });
  const owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
}, 60_000);
afterAll(() => t.cleanup());

describe('flowgento restore --to --into', () => {
  it('leaves only what the appliance needs in the restored folder', async () => {
    await deliverText(t.running, { text: 'before the point', from: '15550007777' });
    await new Promise((done) => setTimeout(done, 600));
    await t.running.backup!.flush();
    const at = new Date().toISOString();
    await new Promise((done) => setTimeout(done, 1100));

    const into = join(t.dir, 'restored');
    const flags = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
    const outcome = await runCli(['restore', '--to', at, '--into', into, ...flags]);
    expect(outcome.code, outcome.stderr).toBe(0);

    expect(readdirSync(into)).toEqual(['flowgento.db']);
    // Nothing it needed went with them: the restored file holds the message.
    const db = openEncryptedDatabase({
      path: join(into, 'flowgento.db'),
      key: t.running.appliance.databaseKey,
      mustExist: true,
      readonly: true,
    });
    try {
      expect(db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  }, 120_000);
});
