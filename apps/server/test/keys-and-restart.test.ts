import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import { startAppliance } from '../src/server.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { REAL_NUMBER, deliverText, setupOwner, OWNER } from './flows.ts';
import { ApiClient } from './harness.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const MARKER = 'zebra-umbrella-4471';
const digest = (path: string) =>
  createHash('sha256').update(readFileSync(path)).digest('hex');

describe('keys, encryption at rest and restarts', () => {
  it('keeps the key file outside the data folder with mode 0600', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const keyFile = t.running.appliance.keyFilePath!;
    expect(keyFile.startsWith(t.config.dataDir)).toBe(false);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  });

  it('stores message text only encrypted: neither the database nor its WAL contains it', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const owner = await setupOwner(() => t!.running);
    await owner.mutate('whatsapp.save', REAL_NUMBER);
    expect(
      (await deliverText(t.running, { text: `Please call me, ${MARKER}` })).status,
    ).toBe(200);

    const db = join(t.config.dataDir, 'flowgento.db');
    for (const file of [db, `${db}-wal`]) {
      const bytes = readFileSync(file);
      expect(bytes.includes(MARKER), file).toBe(false);
      expect(bytes.includes(REAL_NUMBER.accessToken), file).toBe(false);
    }
    expect(readFileSync(db).subarray(0, 15).toString('latin1')).not.toBe(
      'SQLite format 3',
    );
  });

  it('keeps everything across a restart', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const owner = await setupOwner(() => t!.running);
    await owner.mutate('whatsapp.save', REAL_NUMBER);
    await deliverText(t.running, { text: 'before restart' });
    await t.restart();

    expect(t.running.setupCode).toBeNull();
    const client = new ApiClient(() => t!.running);
    await client.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    const conversations =
      await client.query<{ lastMessagePreview: string }[]>('inbox.conversations');
    expect(conversations.map((c) => c.lastMessagePreview)).toEqual(['before restart']);
    // Webhooks still verify: the app secret survived, wrapped.
    expect((await deliverText(t.running, { text: 'after restart' })).status).toBe(200);
  });

  it('refuses to start with a wrong key file and leaves the database byte-identical', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    await setupOwner(() => t!.running);
    await t.running.close();
    const db = join(t.config.dataDir, 'flowgento.db');
    const before = digest(db);
    const keyFile = t.running.appliance.keyFilePath!;
    writeFileSync(keyFile, `${'ab'.repeat(32)}\n`, { mode: 0o600 });

    await expect(
      startAppliance(t.config, { logger: silentLogger() }),
    ).rejects.toMatchObject({
      code: 'KEY_REJECTED',
    });
    expect(digest(db)).toBe(before);
    rmSync(t.dir, { recursive: true, force: true });
    t = undefined;
  });

  it('derives the key from a passphrase and refuses a wrong one with a clear message', async () => {
    t = await startTestAppliance(
      { FLOWGENTO_SIMULATOR: 'off' },
      { passphrase: 'correct horse battery staple' },
    );
    expect(t.running.appliance.keyFilePath).toBeNull();
    expect(t.running.appliance.state.keySetup.mode).toBe('passphrase');
    await setupOwner(() => t!.running);
    await t.running.close();
    const db = join(t.config.dataDir, 'flowgento.db');
    const before = digest(db);

    const wrong = startAppliance(t.config, {
      logger: silentLogger(),
      passphrase: 'incorrect horse battery',
    });
    await expect(wrong).rejects.toMatchObject({ code: 'KEY_REJECTED' });
    await expect(wrong).rejects.toThrow(/passphrase does not match/);
    expect(digest(db)).toBe(before);

    const missing = startAppliance(t.config, { logger: silentLogger(), passphrase: '' });
    await expect(missing).rejects.toThrow(/FLOWGENTO_DB_PASSPHRASE/);
    rmSync(t.dir, { recursive: true, force: true });
    t = undefined;
  });

  it('names the busy port when it cannot listen, and releases the database', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    await t.running.close();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startAppliance({ ...t.config, port: busy }, { logger: silentLogger() }),
      ).rejects.toThrow(new RegExp(`127.0.0.1:${busy}.*FLOWGENTO_PORT`));
    } finally {
      blocker.close();
    }
    // Nothing from the failed start is left holding the data folder.
    t.running = await startAppliance(t.config, { logger: silentLogger() });
  });
});
