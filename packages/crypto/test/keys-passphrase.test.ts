import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveRootKey, type KeySetup } from '../src/index.ts';
import { caughtAppError, useTempDir } from './support.ts';

// These tests pay the real scrypt cost (N = 2^17, about a third of a second per start).
const PASSPHRASE = 'correct horse battery staple';

describe('resolveRootKey with a passphrase', () => {
  const tempDir = useTempDir();
  const keyPath = (): string => path.join(tempDir(), 'keys', 'inst-1.key');
  let created: { rootKey: Buffer; setup: KeySetup; created: boolean };

  beforeAll(async () => {
    created = await resolveRootKey({
      existing: undefined,
      keyFilePath: '/nonexistent/never-written.key',
      passphrase: PASSPHRASE,
    });
  });

  function laterStart(setup: KeySetup, passphrase: string | undefined) {
    return resolveRootKey({ existing: setup, keyFilePath: keyPath(), passphrase });
  }

  it('derives the key with scrypt N=2^17, r=8, p=1 and a random 16-byte salt', () => {
    expect(created.created).toBe(true);
    expect(created.rootKey).toHaveLength(32);
    expect(created.setup).toEqual({
      mode: 'passphrase',
      kdf: { name: 'scrypt', N: 2 ** 17, r: 8, p: 1, salt: expect.any(String) },
      check: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(Buffer.from(created.setup.kdf?.salt ?? '', 'base64')).toHaveLength(16);
  });

  it('returns the same root key on a later start with the same passphrase', async () => {
    const later = await laterStart(created.setup, PASSPHRASE);
    expect(later.created).toBe(false);
    expect(later.rootKey.equals(created.rootKey)).toBe(true);
    expect(fs.existsSync(keyPath())).toBe(false);
  });

  it('refuses a wrong passphrase without echoing either passphrase', async () => {
    const error = await caughtAppError(() =>
      laterStart(created.setup, 'correct horse battery stapler'),
    );
    expect(error.code).toBe('KEY_REJECTED');
    expect(error.message).toContain('the passphrase does not match');
    expect(error.message).not.toContain('correct horse');
  });

  it('refuses to start without the passphrase, naming FLOWGENTO_DB_PASSPHRASE', async () => {
    for (const missing of [undefined, '']) {
      const error = await caughtAppError(() => laterStart(created.setup, missing));
      expect(error.code).toBe('KEY_REJECTED');
      expect(error.message).toContain(
        'this appliance was set up with a passphrase; set FLOWGENTO_DB_PASSPHRASE',
      );
    }
  });

  it('refuses a passphrase shorter than 12 characters when setting up', async () => {
    const error = await caughtAppError(() =>
      resolveRootKey({
        existing: undefined,
        keyFilePath: keyPath(),
        passphrase: 'elevenchars',
      }),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('at least 12 characters');
    expect(error.message).not.toContain('elevenchars');
    expect(fs.existsSync(keyPath())).toBe(false);
  });

  it('refuses stored scrypt parameters that are too cheap or too costly', async () => {
    const kdf = created.setup.kdf;
    if (!kdf) throw new Error('passphrase setup without kdf');
    for (const N of [2 ** 4, 2 ** 24, 3000]) {
      const tampered: KeySetup = { ...created.setup, kdf: { ...kdf, N } };
      const error = await caughtAppError(() => laterStart(tampered, PASSPHRASE));
      expect(error.code).toBe('CONFIG_INVALID');
    }
  });
});
