import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRootKey } from '@flowgento/crypto';
import { parseKeyHandoff } from '../../server/src/keys/key-handoff.ts';
import { keychainBackend, KeychainError, type SafeStorageLike } from '../src/keychain.ts';
import {
  createKeychainRecord,
  decideKeyStorage,
  readKeyStorageRecord,
  unwrapRecord,
  wrapInKeychain,
  writeKeyStorageRecord,
} from '../src/key-storage.ts';
import { rootKeyProblem, unlockProblemFor } from '../src/recovery.ts';
import {
  checkNewPassphrase,
  existingAppliance,
  recordedKeySetup,
} from '../src/passphrase.ts';
import { wizardAnswers } from '../src/wizard-answers.ts';
import type { WizardFacts } from '../src/wizard-protocol.ts';

/**
 * Stands in for Electron's safeStorage (Electron cannot run here): a
 * keyring service with its own secret, one per desktop session.
 */
function keyringSession(backend: string, secret = randomBytes(32)): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(text) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(data) {
      const decipher = createDecipheriv('aes-256-gcm', secret, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([
        decipher.update(data.subarray(28)),
        decipher.final(),
      ]).toString();
    },
  };
}

const FACTS: WizardFacts = {
  mode: 'first-run',
  offer: ['keychain', 'passphrase'],
  whyNoKeychain: null,
  addresses: [],
  defaultPort: 8443,
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const tempDir = () => (dir = mkdtempSync(join(tmpdir(), 'fg-keys-')));

describe('choosing where the database key is kept', () => {
  it('with a keychain: offers it, wraps a new key in it, and unwraps the same key next start', () => {
    const session = keyringSession('gnome_libsecret');
    const backend = keychainBackend('linux', session);
    expect(backend).toEqual({ name: 'gnome_libsecret', usable: true });
    expect(decideKeyStorage(null, backend)).toEqual({
      kind: 'choose',
      offer: ['keychain', 'passphrase'],
    });

    const { rootKey, record } = createKeychainRecord(session, backend);
    const path = join(tempDir(), 'key-storage.json');
    writeKeyStorageRecord(path, record);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain(rootKey.toString('hex'));
    expect(readFileSync(path, 'utf8')).toContain('"backend": "gnome_libsecret"');

    const next = decideKeyStorage(readKeyStorageRecord(path), backend);
    expect(next.kind).toBe('unwrap-with-keychain');
    if (next.kind !== 'unwrap-with-keychain') return;
    expect(unwrapRecord(session, next.record).equals(rootKey)).toBe(true);
    // Another user's keyring (another secret) cannot unwrap it.
    expect(() => unwrapRecord(keyringSession('gnome_libsecret'), next.record)).toThrow(
      KeychainError,
    );
  });

  it('on macOS and Windows, the OS keychain counts when safeStorage has one', () => {
    const session = keyringSession('ignored');
    expect(keychainBackend('darwin', session)).toEqual({
      name: 'macos_keychain',
      usable: true,
    });
    const none = { ...session, isEncryptionAvailable: () => false };
    expect(keychainBackend('win32', none)).toMatchObject({ usable: false });
  });

  it('a plain-text keyring backend counts as no keychain: only a passphrase, and it says why', () => {
    // Electron reports encryption as available even then: it uses a fixed key.
    const backend = keychainBackend('linux', keyringSession('basic_text'));
    expect(backend.usable).toBe(false);

    const decision = decideKeyStorage(null, backend);
    expect(decision).toMatchObject({ kind: 'choose', offer: ['passphrase'] });
    expect(decision.kind === 'choose' && decision.whyNoKeychain).toMatch(
      /no keyring service.*plain text/s,
    );
    expect(() => createKeychainRecord(keyringSession('basic_text'), backend)).toThrow(
      /plain text/,
    );
  });

  it('refuses to start when the keychain backend changed since the key was stored', () => {
    const gnome = keyringSession('gnome_libsecret');
    const { record } = createKeychainRecord(gnome, keychainBackend('linux', gnome));

    for (const now of ['kwallet5', 'basic_text']) {
      const decision = decideKeyStorage(
        record,
        keychainBackend('linux', keyringSession(now)),
      );
      expect(decision.kind).toBe('refuse');
      expect(decision.kind === 'refuse' && decision.message).toMatch(
        /kept in the GNOME Keyring \(libsecret\).*--password-store=gnome-libsecret/s,
      );
    }
    // A passphrase never touched the keyring: a new backend changes nothing.
    const chosen = { format: 1, method: 'passphrase', backend: 'basic_text' } as const;
    expect(decideKeyStorage(chosen, keychainBackend('linux', gnome))).toEqual({
      kind: 'ask-passphrase',
    });
  });

  it('asks again after a wrong passphrase and opens with the right one', async () => {
    const dataDir = tempDir();
    const right = 'correct horse battery staple';
    const { setup } = await resolveRootKey({
      existing: undefined,
      keyFilePath: '',
      passphrase: right,
    });
    writeFileSync(
      join(dataDir, 'appliance.json'),
      JSON.stringify({
        format: 1,
        installationId: 'i-1',
        createdAt: '',
        keySetup: setup,
      }),
    );

    // What the wizard window does with each answer from its page.
    const answers = wizardAnswers(
      { ...FACTS, mode: 'unlock' },
      unlockProblemFor('unlock', dataDir),
    );
    expect(
      await answers.submit({
        kind: 'unlock',
        passphrase: 'correct horse battery stapel',
      }),
    ).toEqual({ problem: 'That passphrase does not open this appliance. Try again.' });
    expect(await answers.submit({ kind: 'unlock', passphrase: right })).toEqual({
      problem: null,
      done: { kind: 'unlock', passphrase: right },
    });
    expect(readFileSync(join(dataDir, 'appliance.json'), 'utf8')).toContain(setup.check);
  }, 30_000);

  it('says why a passphrase cannot open a folder set up with the keychain, never leaving the page waiting', async () => {
    const dataDir = tempDir();
    const { setup } = await resolveRootKey({
      existing: undefined,
      keyFilePath: '',
      passphrase: undefined,
      handedOverRootKey: randomBytes(32),
    });
    writeFileSync(
      join(dataDir, 'appliance.json'),
      JSON.stringify({
        format: 1,
        installationId: 'i-1',
        createdAt: '',
        keySetup: setup,
      }),
    );
    const answers = wizardAnswers(
      { ...FACTS, mode: 'unlock' },
      unlockProblemFor('unlock', dataDir),
    );
    const answer = await answers.submit({ kind: 'unlock', passphrase: 'hello there' });
    expect(answer.done).toBeUndefined();
    expect(answer.problem).toMatch(/held by the desktop app's keychain.*recovery kit/s);
    expect(answer.problem).not.toMatch(/FLOWGENTO_DB_PASSPHRASE/);
    // Anything else that throws is said too, not left unanswered.
    const failing = wizardAnswers({ ...FACTS, mode: 'unlock' }, () =>
      Promise.reject(new Error('appliance.json is damaged')),
    );
    expect(await failing.submit({ kind: 'unlock', passphrase: 'x' })).toEqual({
      problem: 'appliance.json is damaged',
    });
  });

  it('closes the wizard after too many wrong passphrases, and refuses answers of another step', async () => {
    const answers = wizardAnswers(
      { ...FACTS, mode: 'unlock' },
      () => Promise.resolve('wrong'),
      3,
    );
    for (let attempt = 1; attempt < 3; attempt += 1) {
      expect(await answers.submit({ kind: 'unlock', passphrase: 'x' })).toEqual({
        problem: 'wrong',
      });
    }
    const last = await answers.submit({ kind: 'unlock', passphrase: 'x' });
    expect(last.done).toEqual({ kind: 'closed' });
    expect(last.problem).toMatch(/3 attempts/);
    // An unlock page cannot sneak in a first-run answer (a new key) or a network change.
    expect(
      await answers.submit({
        kind: 'first-run',
        method: 'keychain',
        passphrase: '',
        passphraseAgain: '',
        advertise: '',
        port: '8443',
      }),
    ).toEqual({ problem: 'Not asked here.' });
    expect(
      await answers.submit({ kind: 'network', advertise: '', port: '9443' }),
    ).toEqual({ problem: 'Not asked here.' });
  });

  it('checks a new passphrase before use', () => {
    expect(checkNewPassphrase('short', 'short')).toMatch(/at least 12/);
    expect(checkNewPassphrase('long enough phrase', 'long enough phrasE')).toMatch(
      /differ/,
    );
    expect(checkNewPassphrase('long enough phrase', 'long enough phrase')).toBeNull();
    // The longest the server takes over the pipe, and one past it.
    const longest = '🔑'.repeat(1024); // 1024 code points, as the server counts
    expect(checkNewPassphrase(longest, longest)).toBeNull();
    expect(parseKeyHandoff(JSON.stringify({ passphrase: longest }))).toMatchObject({
      kind: 'passphrase',
    });
    const tooLong = 'a'.repeat(1025);
    expect(checkNewPassphrase(tooLong, tooLong)).toMatch(/at most 1024/);
    expect(() => parseKeyHandoff(JSON.stringify({ passphrase: tooLong }))).toThrow();
  });

  it("with key-storage.json lost beside an existing appliance, makes no new key: it takes the recovery kit's root key, checks it and wraps it again", async () => {
    const dataDir = tempDir();
    const rootKey = randomBytes(32);
    const { setup } = await resolveRootKey({
      existing: undefined,
      keyFilePath: '',
      passphrase: undefined,
      handedOverRootKey: Buffer.from(rootKey),
    });
    const appliance = JSON.stringify({
      format: 1,
      installationId: 'i-1',
      keySetup: setup,
    });
    writeFileSync(join(dataDir, 'appliance.json'), appliance);
    const existing = recordedKeySetup(dataDir)?.mode;

    const session = keyringSession('gnome_libsecret');
    const backend = keychainBackend('linux', session);
    expect(decideKeyStorage(null, backend, existing)).toEqual({
      kind: 'recover',
      method: 'keychain',
    });

    // As printed in the kit: groups of eight, as typed: with a line break.
    const kitText = rootKey.toString('hex').match(/.{8}/g)!.join(' ');
    expect(await rootKeyProblem(dataDir, randomBytes(32).toString('hex'))).toMatch(
      /does not open this appliance/,
    );
    expect(await rootKeyProblem(dataDir, 'abc')).toMatch(/64 characters/);
    expect(await rootKeyProblem(dataDir, kitText.replace(' ', '\n'))).toBeNull();

    const { record } = wrapInKeychain(session, backend, Buffer.from(rootKey));
    const path = join(tempDir(), 'key-storage.json');
    writeKeyStorageRecord(path, record);
    const next = decideKeyStorage(readKeyStorageRecord(path), backend, existing);
    expect(
      next.kind === 'unwrap-with-keychain' && unwrapRecord(session, next.record),
    ).toEqual(rootKey);
    expect(readFileSync(join(dataDir, 'appliance.json'), 'utf8')).toBe(appliance);

    // No keychain to keep it in: said, with the way out, and still no new key.
    const plain = keychainBackend('linux', keyringSession('basic_text'));
    const refused = decideKeyStorage(null, plain, existing);
    expect(refused.kind === 'refuse' && refused.message).toMatch(
      /recovery kit.*--key-file/s,
    );
    // A passphrase appliance asks for its passphrase, never the first-run choice.
    expect(decideKeyStorage(null, backend, 'passphrase')).toEqual({
      kind: 'recover',
      method: 'passphrase',
    });
  });

  it('counts a data folder with only its database left as an appliance: never a new key', () => {
    const backend = keychainBackend('linux', keyringSession('gnome_libsecret'));
    const empty = tempDir();
    expect(existingAppliance(empty)).toBeUndefined();
    expect(decideKeyStorage(null, backend, existingAppliance(empty)).kind).toBe('choose');
    rmSync(empty, { recursive: true, force: true });
    for (const name of ['flowgento.db', 'flowgento.db-wal', 'appliance.json']) {
      const dataDir = tempDir();
      writeFileSync(join(dataDir, name), name === 'appliance.json' ? '{}' : 'pages');
      expect(existingAppliance(dataDir)).toBe('unknown');
      const decision = decideKeyStorage(null, backend, existingAppliance(dataDir));
      expect(decision.kind === 'refuse' && decision.message).toMatch(
        /key-storage\.json and appliance\.json.*are gone.*recovery kit/s,
      );
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
