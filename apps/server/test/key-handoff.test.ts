import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@flowgento/core';
import { resolveRootKey } from '@flowgento/crypto';
import { openKeyChannel, parseKeyHandoff } from '../src/keys/key-handoff.ts';

const messageOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

const reasonOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return isAppError(error) ? error.reason : String(error);
  }
  return 'no error';
};

describe('the key the desktop app hands over on --key-fd', () => {
  it('reads a root key or a passphrase, and refuses anything else without echoing it', () => {
    const hex = randomBytes(32).toString('hex');
    expect(parseKeyHandoff(JSON.stringify({ rootKey: hex }))).toEqual({
      kind: 'root-key',
      rootKey: Buffer.from(hex, 'hex'),
    });
    expect(parseKeyHandoff('{"passphrase":"correct horse battery"}')).toEqual({
      kind: 'passphrase',
      passphrase: 'correct horse battery',
    });
    for (const bad of [
      'secret-looking-text',
      JSON.stringify({ rootKey: hex.slice(2) }),
      JSON.stringify({ rootKey: hex, passphrase: 'both' }),
      '{}',
    ]) {
      let message = '';
      try {
        parseKeyHandoff(bad);
      } catch (error) {
        message = (error as Error).message;
        expect(isAppError(error) && error.reason).toBe('key_handoff_invalid');
      }
      expect(message).toMatch(/--key-fd is invalid/);
      expect(message).not.toContain('secret-looking');
    }
  });

  it('stands in for the key file: same setup, no file, and a wrong key is refused', async () => {
    const rootKey = randomBytes(32);
    const first = await resolveRootKey({
      existing: undefined,
      keyFilePath: '/nonexistent/never-written.key',
      passphrase: undefined,
      handedOverRootKey: rootKey,
    });
    expect(first.setup.mode).toBe('file');
    expect(first.created).toBe(true);

    const again = await resolveRootKey({
      existing: first.setup,
      keyFilePath: '/nonexistent/never-written.key',
      passphrase: undefined,
      handedOverRootKey: rootKey,
    });
    expect(again.rootKey.equals(rootKey)).toBe(true);
    expect(
      await reasonOf(
        resolveRootKey({
          existing: first.setup,
          keyFilePath: '',
          passphrase: undefined,
          handedOverRootKey: randomBytes(32),
        }),
      ),
    ).toBe('key_check_mismatch');
  });

  it('refuses two sources for one key, and a key for a passphrase appliance', async () => {
    const rootKey = randomBytes(32);
    expect(
      await reasonOf(
        resolveRootKey({
          existing: undefined,
          keyFilePath: '',
          passphrase: 'a passphrase as well',
          handedOverRootKey: rootKey,
        }),
      ),
    ).toBe('key_mode_mismatch');
    const { setup } = await resolveRootKey({
      existing: undefined,
      keyFilePath: '',
      passphrase: 'correct horse battery staple',
    });
    expect(
      await reasonOf(
        resolveRootKey({
          existing: setup,
          keyFilePath: '',
          passphrase: undefined,
          handedOverRootKey: rootKey,
        }),
      ),
    ).toBe('key_mode_mismatch');
  });

  it("blames the desktop app's passphrase, not a variable or key file the admin never set", async () => {
    const { setup } = await resolveRootKey({
      existing: undefined,
      keyFilePath: '',
      passphrase: 'correct horse battery staple',
    });
    const wrong = await messageOf(
      resolveRootKey({
        existing: setup,
        keyFilePath: '',
        passphrase: 'correct horse battery stapel',
        passphraseFrom: 'desktop-app',
      }),
    );
    expect(wrong).toMatch(/typed in the desktop app does not match/);
    expect(wrong).not.toContain('FLOWGENTO_DB_PASSPHRASE');

    const keychainSetup = await resolveRootKey({
      existing: undefined,
      keyFilePath: '',
      passphrase: undefined,
      handedOverRootKey: randomBytes(32),
    });
    const mode = await messageOf(
      resolveRootKey({
        existing: keychainSetup.setup,
        keyFilePath: '/nowhere/i-1.key',
        passphrase: 'a passphrase from the unlock window',
        passphraseFrom: 'desktop-app',
      }),
    );
    expect(mode).toMatch(/not derived from a passphrase.*recovery kit/s);
    expect(mode).not.toMatch(/\/nowhere|FLOWGENTO_DB_PASSPHRASE/);
  }, 30_000);

  it('refuses a descriptor that is a regular file, saying it is not a pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-keyfd-'));
    const path = join(dir, 'key.json');
    writeFileSync(path, '{"passphrase":"correct horse battery staple"}\n');
    const fd = openSync(path, 'r');
    try {
      const message = await messageOf(openKeyChannel(fd));
      expect(message).toMatch(new RegExp(`--key-fd ${fd} is not a pipe`));
      expect(message).not.toMatch(/Unsupported fd/);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
