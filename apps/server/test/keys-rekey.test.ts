import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import { lockDataFolder, openEncryptedDatabase, Store } from '@flowgento/store';
import { openAppliance } from '../src/appliance.ts';
import { dataPaths, readApplianceState } from '../src/appliance-state.ts';
import { beginRekey, stageRekey, switchDatabaseKey } from '../src/keys/rekey.ts';
import { subkeysOf } from '../src/keys/subkeys.ts';
import { ApiClient, startTestAppliance, type TestAppliance } from './harness.ts';
import { OWNER, REAL_NUMBER, deliverText, setupOwner } from './flows.ts';
import { runCli } from './cli-run.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const OLD_PASSPHRASE = 'correct horse battery staple';
const NEW_PASSPHRASE = 'a brand new passphrase for the rekey';

interface Snapshot {
  caFingerprint: string;
  secrets: Record<string, string>;
  databaseKey: Buffer;
  keyFile: string | null;
}

/** An appliance with an OWNER, a real and a simulated number and two messages. */
async function applianceWithData(
  options: { passphrase?: string } = {},
): Promise<TestAppliance> {
  const app = await startTestAppliance({}, options);
  const owner = await setupOwner(() => app.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await owner.mutate('whatsapp.connectSimulator');
  await deliverText(app.running, { text: 'first message' });
  await deliverText(app.running, { text: 'second message' });
  return app;
}

function snapshot(app: TestAppliance): Snapshot {
  const { store, keyRing, keyFilePath, databaseKey } = app.running.appliance;
  return {
    caFingerprint: app.running.tls.caFingerprint256,
    secrets: Object.fromEntries(
      store.wrappedSecrets.all().map((s) => [s.aad, keyRing.unwrapText(s.blob, s.aad)]),
    ),
    databaseKey: Buffer.from(databaseKey),
    keyFile: keyFilePath && readFileSync(keyFilePath, 'utf8'),
  };
}

/** Everything a user would notice is still there after the restart. */
async function expectAllThere(app: TestAppliance, before: Snapshot): Promise<void> {
  expect(snapshot(app).secrets).toEqual(before.secrets);
  // The CA came through: its private key was rewrapped, not replaced.
  expect(app.running.tls.caFingerprint256).toBe(before.caFingerprint);
  const owner = new ApiClient(() => app.running);
  await owner.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
  const conversations =
    await owner.query<{ lastMessagePreview: string }[]>('inbox.conversations');
  expect(conversations.map((c) => c.lastMessagePreview)).toEqual(['second message']);
  // The app secret still verifies a signed webhook.
  expect((await deliverText(app.running, { text: 'after the rekey' })).status).toBe(200);
  const state = readApplianceState(app.config.dataDir)!;
  expect(state.pendingKeySetup).toBeUndefined();
}

function expectDatabaseRefuses(app: TestAppliance, key: Buffer): void {
  expect(() =>
    openEncryptedDatabase({
      path: dataPaths(app.config.dataDir).database,
      key,
      mustExist: true,
      readonly: true,
    }),
  ).toThrow(expect.objectContaining({ code: 'KEY_REJECTED' }));
}

describe('flowgento keys rekey-database', () => {
  it('re-encrypts the database under a new key file and keeps every secret and the CA', async () => {
    t = await applianceWithData();
    const before = snapshot(t);
    const keyFile = t.running.appliance.keyFilePath!;
    await t.stop();

    const result = await runCli([
      'keys',
      'rekey-database',
      '--data-dir',
      t.config.dataDir,
      '--key-file',
      keyFile,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('integrity_check: ok');

    expect(readFileSync(keyFile, 'utf8')).not.toBe(before.keyFile);
    expect(existsSync(`${keyFile}.next`)).toBe(false);
    expectDatabaseRefuses(t, before.databaseKey);

    await t.start();
    await expectAllThere(t, before);
    const db = t.running.appliance.store.db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(
      db
        .prepare(`SELECT actor_label FROM audit_log WHERE action = ?`)
        .pluck()
        .all('keys.database_rekeyed'),
    ).toEqual([CLI_ACTOR.actor.label]);
  });

  it('takes the new passphrase from FLOWGENTO_NEW_DB_PASSPHRASE and then refuses the old one', async () => {
    t = await applianceWithData({ passphrase: OLD_PASSPHRASE });
    const before = snapshot(t);
    await t.stop();

    const result = await runCli(
      ['keys', 'rekey-database', '--data-dir', t.config.dataDir],
      {
        FLOWGENTO_DB_PASSPHRASE: OLD_PASSPHRASE,
        FLOWGENTO_NEW_DB_PASSPHRASE: NEW_PASSPHRASE,
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    await expect(t.start({ passphrase: OLD_PASSPHRASE })).rejects.toMatchObject({
      code: 'KEY_REJECTED',
    });
    await t.start({ passphrase: NEW_PASSPHRASE });
    await expectAllThere(t, before);
  });

  it('refuses a new passphrase that is too short, changing nothing', async () => {
    t = await applianceWithData({ passphrase: OLD_PASSPHRASE });
    await t.stop();
    const statePath = dataPaths(t.config.dataDir).state;
    const stateBefore = readFileSync(statePath, 'utf8');

    const result = await runCli(
      ['keys', 'rekey-database', '--data-dir', t.config.dataDir],
      {
        FLOWGENTO_DB_PASSPHRASE: OLD_PASSPHRASE,
        FLOWGENTO_NEW_DB_PASSPHRASE: 'short',
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/at least 12 characters/);
    expect(readFileSync(statePath, 'utf8')).toBe(stateBefore);
    await t.start({ passphrase: OLD_PASSPHRASE });
  });

  it('gives up cleanly when another connection keeps the database busy', async () => {
    t = await applianceWithData();
    const before = snapshot(t);
    const keyFile = t.running.appliance.keyFilePath!;
    await t.stop();
    // A reader mid-transaction (say a backup) keeps the WAL from being emptied.
    const reader = openEncryptedDatabase({
      path: dataPaths(t.config.dataDir).database,
      key: before.databaseKey,
      mustExist: true,
    });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM messages').get();
    try {
      const result = await runCli([
        'keys',
        'rekey-database',
        '--data-dir',
        t.config.dataDir,
        '--key-file',
        keyFile,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/Another connection is using the database/);
    } finally {
      reader.close();
    }
    expect(readApplianceState(t.config.dataDir)!.pendingKeySetup).toBeUndefined();
    expect(existsSync(`${keyFile}.next`)).toBe(false);
    expect(readFileSync(keyFile, 'utf8')).toBe(before.keyFile);
    await t.start();
    await expectAllThere(t, before);
  });

  it('refuses while the appliance runs on the data folder', async () => {
    t = await applianceWithData();
    const result = await runCli([
      'keys',
      'rekey-database',
      '--data-dir',
      t.config.dataDir,
      '--key-file',
      t.running.appliance.keyFilePath!,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/in use by a running appliance/);
    expect(readApplianceState(t.config.dataDir)!.pendingKeySetup).toBeUndefined();
  });
});

/**
 * A crash is simulated by running the steps one by one in this process and
 * stopping after one of them: connections are closed without any clean-up,
 * which leaves the files exactly as a killed process would.
 */
describe('an interrupted database rekey', () => {
  const steps = ['begin', 'stage', 'switch', 'promote ring only'] as const;

  async function crashAfter(
    app: TestAppliance,
    last: (typeof steps)[number],
    passphrases: { old?: string; new?: string } = {},
  ) {
    const folderLock = lockDataFolder(app.config.dataDir, 'test');
    const appliance = await openAppliance(app.config, silentLogger(), undefined, {
      folderLock,
      passphrase: passphrases.old,
    });
    const place = {
      dataDir: app.config.dataDir,
      keyFilePath: app.config.keyFile!,
    };
    try {
      const begun = await beginRekey(place, appliance.state, passphrases.new);
      if (last === 'begin') return;
      const to = subkeysOf(begun.newRootKey, appliance.state.installationId);
      stageRekey(appliance.store, place.dataDir, appliance, to);
      if (last === 'stage') return;
      const path = dataPaths(place.dataDir).database;
      const db = switchDatabaseKey(appliance.store.db, path, to.databaseKey);
      if (last === 'switch') return db.close();
      // Only the database part of step 4: the key file and state stay behind.
      new Store(db).keyRing.promoteNext();
      db.close();
    } finally {
      if (appliance.store.db.open) appliance.store.db.close();
      folderLock.release();
    }
  }

  it.each(steps)(
    'leaves a data folder that opens with all data and secrets when it stops after "%s"',
    async (last) => {
      t = await applianceWithData();
      const before = snapshot(t);
      const keyFile = t.running.appliance.keyFilePath!;
      await t.stop();
      await crashAfter(t, last);
      expect(readApplianceState(t.config.dataDir)!.pendingKeySetup).toBeDefined();

      await t.start();
      await expectAllThere(t, before);
      const finished = last === 'switch' || last === 'promote ring only';
      const outcome = finished ? 'was finished' : 'was undone';
      expect(t.logs.text).toContain(`an interrupted database rekey ${outcome}`);
      expect(readFileSync(keyFile, 'utf8') === before.keyFile).toBe(!finished);
      expect(existsSync(`${keyFile}.next`)).toBe(false);
      if (finished) expectDatabaseRefuses(t, before.databaseKey);
    },
  );

  it('is finished with the new passphrase, and the old one alone is told what to do', async () => {
    t = await applianceWithData({ passphrase: OLD_PASSPHRASE });
    const before = snapshot(t);
    await t.stop();
    await crashAfter(t, 'switch', { old: OLD_PASSPHRASE, new: NEW_PASSPHRASE });

    const withOld = t.start({ passphrase: OLD_PASSPHRASE });
    await expect(withOld).rejects.toMatchObject({ code: 'KEY_REJECTED' });
    await expect(withOld).rejects.toThrow(/may already use the new passphrase/);
    expect(readApplianceState(t.config.dataDir)!.pendingKeySetup).toBeDefined();

    await t.start({ passphrase: NEW_PASSPHRASE });
    await expectAllThere(t, before);
    expect(t.logs.text).toContain('an interrupted database rekey was finished');
  });

  it('is undone with the old passphrase when it stopped before the switch', async () => {
    t = await applianceWithData({ passphrase: OLD_PASSPHRASE });
    const before = snapshot(t);
    await t.stop();
    await crashAfter(t, 'stage', { old: OLD_PASSPHRASE, new: NEW_PASSPHRASE });

    await t.start({ passphrase: OLD_PASSPHRASE, newPassphrase: NEW_PASSPHRASE });
    await expectAllThere(t, before);
    expect(t.logs.text).toContain('an interrupted database rekey was undone');
    await t.stop();
    await expect(t.start({ passphrase: NEW_PASSPHRASE })).rejects.toMatchObject({
      code: 'KEY_REJECTED',
    });
    await t.start({ passphrase: OLD_PASSPHRASE });
  });

  it('is reported, not repaired, by a command that does not hold the data folder', async () => {
    t = await applianceWithData();
    await t.stop();
    await crashAfter(t, 'stage');
    const result = await runCli([
      'backup',
      '--data-dir',
      t.config.dataDir,
      '--key-file',
      t.running.appliance.keyFilePath!,
      '--to',
      `${t.dir}/backups`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rekey .* was interrupted.*Start the appliance/);
    expect(readApplianceState(t.config.dataDir)!.pendingKeySetup).toBeDefined();
    await t.start();
  });

  it('can run again after it was undone', async () => {
    t = await applianceWithData();
    const before = snapshot(t);
    await t.stop();
    await crashAfter(t, 'stage');
    await t.start();
    await t.stop();
    const result = await runCli([
      'keys',
      'rekey-database',
      '--data-dir',
      t.config.dataDir,
      '--key-file',
      t.running.appliance.keyFilePath!,
    ]);
    expect(result.code).toBe(0);
    await t.start();
    await expectAllThere(t, before);
  });
});
