import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sealedKeyId } from '@flowgento/crypto';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { REAL_NUMBER, setupOwner } from './flows.ts';
import { folderFlags, runCli } from './cli-run.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const backupKeyOf = (app: TestAppliance) => app.running.appliance.backupKeys.current();

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

describe('the backup key', () => {
  it('is made once at first start and is the same key after a restart', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const first = backupKeyOf(t);
    expect(first.key).toHaveLength(32);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(t.logs.text).toContain('"backupKeyCreated":true');

    await t.restart();
    const again = backupKeyOf(t);
    expect(again.key.equals(first.key)).toBe(true);
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(t.running.appliance.store.backupSettings.keys()).toHaveLength(1);
    expect(t.logs.text).toContain('"backupKeyCreated":false');
  });

  it('is made on the first open of an appliance that had none (an upgrade)', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const { store } = t.running.appliance;
    // As an older build left it: the table (migration 016) but no key yet.
    store.db.prepare('DELETE FROM backup_keys').run();
    await t.restart();
    expect(t.running.appliance.store.backupSettings.keys()).toHaveLength(1);
    expect(backupKeyOf(t).key).toHaveLength(32);
  });

  it('is none of the derived keys, and is nowhere in the data folder or logs in plaintext', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const { key, fingerprint } = backupKeyOf(t);
    const opened = t.running.appliance;
    for (const derived of [
      opened.databaseKey,
      opened.secretsKey,
      opened.tlsKey,
      opened.backupKey,
      readFileSync(opened.keyFilePath!, 'utf8').trim(),
    ]) {
      const bytes = typeof derived === 'string' ? Buffer.from(derived, 'hex') : derived;
      expect(bytes.equals(key)).toBe(false);
    }

    await t.stop();
    const forms = [
      key,
      Buffer.from(key.toString('hex')),
      Buffer.from(key.toString('base64')),
    ];
    const files = filesUnder(t.dir);
    expect(files.some((file) => file.endsWith('flowgento.db'))).toBe(true);
    for (const file of files) {
      const content = readFileSync(file);
      for (const form of forms) expect(content.includes(form), file).toBe(false);
    }
    // The fingerprint is logged at start; the key never is.
    expect(t.logs.text).toContain(fingerprint);
    for (const form of forms) expect(t.logs.text).not.toContain(form.toString());
  });

  it('survives `keys rotate`: resealed under the new master key, same bytes', async () => {
    t = await startTestAppliance();
    const owner = await setupOwner(() => t!.running);
    await owner.mutate('whatsapp.save', REAL_NUMBER);
    const before = backupKeyOf(t);
    await t.stop();

    const result = await runCli(['keys', 'rotate', ...folderFlags(t)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await t.start();

    const { store, keyRing } = t.running.appliance;
    const [record] = store.backupSettings.keys();
    expect(sealedKeyId(record!.keyWrapped)).toBe(keyRing.activeKeyId());
    expect(backupKeyOf(t).key.equals(before.key)).toBe(true);
  });

  it('survives `keys rekey-database`: a new root key leaves the backup key as it was', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const before = backupKeyOf(t);
    const rootBefore = readFileSync(t.running.appliance.keyFilePath!, 'utf8');
    await t.stop();

    const result = await runCli(['keys', 'rekey-database', ...folderFlags(t)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await t.start();

    expect(readFileSync(t.running.appliance.keyFilePath!, 'utf8')).not.toBe(rootBefore);
    expect(backupKeyOf(t).key.equals(before.key)).toBe(true);
    expect(statSync(t.running.appliance.keyFilePath!).mode & 0o777).toBe(0o600);
  });
});
