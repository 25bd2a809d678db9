import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isSealedSecret, sealedKeyId, wrapSecret } from '@flowgento/crypto';
import { fromBase32, totpCode, totpStep } from '@flowgento/access';
import { ApiClient, startTestAppliance, type TestAppliance } from './harness.ts';
import { OWNER, REAL_NUMBER, deliverText, setupOwner } from './flows.ts';
import { folderFlags, runCli } from './cli-run.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** The CLI flags that point at the test appliance's data folder and key file. */
/** Every stored secret, decrypted, keyed by where it lives. */
function plaintexts(app: TestAppliance): Record<string, string> {
  const { store, keyRing } = app.running.appliance;
  return Object.fromEntries(
    store.wrappedSecrets.all().map((s) => [s.aad, keyRing.unwrapText(s.blob, s.aad)]),
  );
}

async function applianceWithSecrets(): Promise<TestAppliance> {
  const app = await startTestAppliance();
  const owner = await setupOwner(() => app.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await owner.mutate('whatsapp.connectSimulator');
  return app;
}

describe('flowgento keys --help', () => {
  it.each(['rotate', 'rekey-database'])('explains keys %s', async (sub) => {
    const result = await runCli(['keys', sub, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: flowgento keys ${sub}`);
    expect(result.stdout).toContain('must be stopped');
  });

  it('lists the key commands and refuses an unknown one', async () => {
    expect((await runCli(['keys', '--help'])).stdout).toMatch(
      /rotate[\s\S]*rekey-database/,
    );
    const unknown = await runCli(['keys', 'shred']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command "keys shred"');
  });
});

describe('flowgento keys rotate', () => {
  it('reseals every secret under a new master key, retires the old one and audits it', async () => {
    t = await applianceWithSecrets();
    const before = plaintexts(t);
    // Three of the number, the simulated number's three, and the backup key.
    expect(Object.keys(before)).toHaveLength(7);
    const { store } = t.running.appliance;
    const oldKeyId = t.running.appliance.keyRing.activeKeyId();
    const oldBlob = store.wrappedSecrets.all()[0]!;
    await t.stop();

    const result = await runCli(['keys', 'rotate', ...folderFlags(t)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('7 secrets resealed');
    await t.start();

    const ring = t.running.appliance.keyRing;
    const newKeyId = ring.activeKeyId();
    expect(newKeyId).not.toBe(oldKeyId);
    expect(plaintexts(t)).toEqual(before);
    for (const secret of t.running.appliance.store.wrappedSecrets.all()) {
      expect(sealedKeyId(secret.blob), secret.aad).toBe(newKeyId);
    }
    // The old key is gone: a blob it sealed can no longer be opened.
    expect(t.running.appliance.store.keyRing.get(oldKeyId)).toMatchObject({
      wrappedKey: null,
    });
    expect(() => ring.unwrapText(oldBlob.blob, oldBlob.aad)).toThrow(
      expect.objectContaining({ code: 'KEY_REJECTED', reason: 'secret_key_retired' }),
    );

    // Appliance-wide entries carry no workspace, so they are read from the table.
    const audited = t.running.appliance.store.db
      .prepare(
        `SELECT actor_type AS actorType, actor_label AS actorLabel, details_json AS details
         FROM audit_log WHERE action = 'keys.rotated'`,
      )
      .all();
    expect(audited).toEqual([
      {
        actorType: 'system',
        actorLabel: CLI_ACTOR.actor.label,
        details: JSON.stringify({
          activeKeyId: newKeyId,
          retiredKeyIds: oldKeyId,
          secrets: 7,
        }),
      },
    ]);
    // Webhooks still verify: the app secret survived the rotation.
    expect((await deliverText(t.running, { text: 'after rotation' })).status).toBe(200);
  });

  it('reseals two-factor secrets too: the same authenticator still signs in', async () => {
    t = await applianceWithSecrets();
    const app = t;
    const owner = new ApiClient(() => app.running);
    await owner.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    const { secret } = await owner.mutate<{ secret: string }>('twoFactor.begin');
    const code = (steps: number) =>
      totpCode(fromBase32(secret), totpStep(Date.now()) + steps);
    await owner.mutate('twoFactor.confirm', { code: code(0) });
    await t.stop();

    const result = await runCli(['keys', 'rotate', ...folderFlags(t)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('8 secrets resealed');
    await t.start();

    const newKeyId = t.running.appliance.keyRing.activeKeyId();
    const totp = t.running.appliance.store.wrappedSecrets
      .all()
      .find((s) => s.table === 'two_factor');
    expect(totp && sealedKeyId(totp.blob)).toBe(newKeyId);

    const again = new ApiClient(() => app.running);
    const step = await again.mutate<{ secondFactor: { challenge: string } | null }>(
      'auth.login',
      { email: OWNER.email, password: OWNER.password },
    );
    // One step ahead: the code just used to turn it on is spent.
    await again.mutate('auth.loginSecondFactor', {
      challenge: step.secondFactor!.challenge,
      code: code(1),
    });
    expect(await again.query('auth.me')).toMatchObject({ email: OWNER.email });
  });

  it('refuses while the appliance runs on the data folder, changing nothing', async () => {
    t = await applianceWithSecrets();
    const blobs = t.running.appliance.store.wrappedSecrets.all().map((s) => s.blob);
    const keyId = t.running.appliance.keyRing.activeKeyId();

    const result = await runCli(['keys', 'rotate', ...folderFlags(t)]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /in use by a running appliance.*Stop the appliance first/,
    );
    expect(t.running.appliance.keyRing.activeKeyId()).toBe(keyId);
    expect(t.running.appliance.store.wrappedSecrets.all().map((s) => s.blob)).toEqual(
      blobs,
    );
  });

  it('refuses a data folder that holds no appliance, creating nothing', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const missing = `${t.dir}/nowhere`;
    const result = await runCli(['keys', 'rotate', '--data-dir', missing]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No appliance data in ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });

  it('reseals secrets stored before the key ring on the first open', async () => {
    t = await applianceWithSecrets();
    const { store, secretsKey } = t.running.appliance;
    const before = plaintexts(t);
    // Put the data folder back as an older build left it: version-1 blobs.
    store.transaction(() => {
      for (const secret of store.wrappedSecrets.all()) {
        store.wrappedSecrets.replace(
          secret,
          wrapSecret(secretsKey, before[secret.aad]!, secret.aad),
        );
      }
    });
    expect(store.wrappedSecrets.all().some((s) => isSealedSecret(s.blob))).toBe(false);

    await t.restart();
    const secrets = t.running.appliance.store.wrappedSecrets.all();
    expect(secrets.every((s) => isSealedSecret(s.blob))).toBe(true);
    expect(plaintexts(t)).toEqual(before);
    expect(t.logs.text).toContain('"legacyBlobsResealed":7');
  });
});
