import { hkdfSync, randomBytes } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultKeyFilePath, deriveSubkey, type KeyPurpose } from '../src/index.ts';
import { caughtAppError } from './support.ts';

const rootKey = randomBytes(32);

describe('deriveSubkey', () => {
  it('gives a different 32-byte key for each purpose, none equal to the root key', () => {
    const purposes: KeyPurpose[] = ['database', 'secrets', 'tls', 'backup'];
    const keys = purposes.map((purpose) =>
      deriveSubkey(rootKey, purpose, 'inst-1').toString('hex'),
    );
    expect(new Set([...keys, rootKey.toString('hex')]).size).toBe(purposes.length + 1);
    for (const key of keys) expect(key).toHaveLength(64);
  });

  it('gives a different key for each installation id', () => {
    const first = deriveSubkey(rootKey, 'database', 'inst-1');
    const second = deriveSubkey(rootKey, 'database', 'inst-2');
    expect(first.equals(second)).toBe(false);
  });

  it('derives exactly HKDF-SHA256 with the installation id as salt, so stored data stays readable', () => {
    const expected = hkdfSync('sha256', rootKey, 'inst-1', 'flowgento secrets v1', 32);
    expect(deriveSubkey(rootKey, 'secrets', 'inst-1').equals(Buffer.from(expected))).toBe(
      true,
    );
  });

  it('refuses a root key that is not 32 bytes', async () => {
    const error = await caughtAppError(() =>
      deriveSubkey(randomBytes(16), 'tls', 'inst-1'),
    );
    expect(error.code).toBe('INTERNAL');
  });
});

describe('defaultKeyFilePath', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('puts the key under XDG_CONFIG_HOME when it is set', () => {
    vi.stubEnv('XDG_CONFIG_HOME', '/srv/config');
    expect(defaultKeyFilePath('inst-1')).toBe('/srv/config/flowgento/keys/inst-1.key');
  });

  it('falls back to ~/.config when XDG_CONFIG_HOME is unset or relative', () => {
    const expected = path.join(
      os.homedir(),
      '.config',
      'flowgento',
      'keys',
      'inst-1.key',
    );
    vi.stubEnv('XDG_CONFIG_HOME', undefined);
    expect(defaultKeyFilePath('inst-1')).toBe(expected);
    vi.stubEnv('XDG_CONFIG_HOME', 'relative/config');
    expect(defaultKeyFilePath('inst-1')).toBe(expected);
  });

  it('refuses an installation id that could escape the keys folder', async () => {
    for (const id of ['../escape', 'a/b', '', '.hidden']) {
      const error = await caughtAppError(() => defaultKeyFilePath(id));
      expect(error.code).toBe('INVALID_INPUT');
    }
  });
});
