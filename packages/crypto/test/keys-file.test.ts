import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRootKey, type KeySetup } from '../src/index.ts';
import { caughtAppError, modeOf, useTempDir } from './support.ts';

describe('resolveRootKey with a key file', () => {
  const tempDir = useTempDir();
  const keyPath = (): string =>
    path.join(tempDir(), 'config', 'flowgento', 'keys', 'inst-1.key');

  async function firstStart(): Promise<{ rootKey: Buffer; setup: KeySetup }> {
    return resolveRootKey({
      existing: undefined,
      keyFilePath: keyPath(),
      passphrase: undefined,
    });
  }

  function laterStart(
    setup: KeySetup,
    passphrase?: string,
  ): ReturnType<typeof resolveRootKey> {
    return resolveRootKey({ existing: setup, keyFilePath: keyPath(), passphrase });
  }

  it('creates an owner-only key file on first start and reads the same key back later', async () => {
    const first = await resolveRootKey({
      existing: undefined,
      keyFilePath: keyPath(),
      passphrase: undefined,
    });
    expect(first.created).toBe(true);
    expect(first.setup).toEqual({
      mode: 'file',
      check: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(first.rootKey).toHaveLength(32);
    expect(fs.readFileSync(keyPath(), 'utf8')).toBe(`${first.rootKey.toString('hex')}\n`);
    expect(modeOf(keyPath())).toBe(0o600);
    expect(modeOf(path.dirname(keyPath()))).toBe(0o700);
    expect(fs.readdirSync(path.dirname(keyPath()))).toEqual(['inst-1.key']);

    const later = await laterStart(first.setup);
    expect(later.created).toBe(false);
    expect(later.rootKey.equals(first.rootKey)).toBe(true);
  });

  it('treats an empty FLOWGENTO_DB_PASSPHRASE as unset', async () => {
    const first = await resolveRootKey({
      existing: undefined,
      keyFilePath: keyPath(),
      passphrase: '',
    });
    expect(first.setup.mode).toBe('file');
    expect((await laterStart(first.setup, '')).rootKey.equals(first.rootKey)).toBe(true);
  });

  it('refuses a key file that group or others can read, and says to chmod 600 it', async () => {
    const { setup, rootKey } = await firstStart();
    fs.chmodSync(keyPath(), 0o644);

    const error = await caughtAppError(() => laterStart(setup));
    expect(error.code).toBe('KEY_REJECTED');
    expect(error.message).toContain(`chmod 600 ${keyPath()}`);
    expect(error.message).toContain('0644');
    expect(error.message).not.toContain(rootKey.toString('hex'));
  });

  it('refuses to start when the key file is missing, naming its path', async () => {
    const { setup } = await firstStart();
    fs.rmSync(keyPath());

    const error = await caughtAppError(() => laterStart(setup));
    expect(error.code).toBe('KEY_REJECTED');
    expect(error.message).toContain(keyPath());
    expect(error.message).toContain(
      'the database cannot be opened without it; a new key would not open the existing data',
    );
    expect(fs.existsSync(keyPath())).toBe(false);
  });

  it('refuses a malformed key file without quoting its content', async () => {
    const { setup } = await firstStart();
    fs.writeFileSync(keyPath(), 'deadbeef-not-a-key\n', { mode: 0o600 });

    const error = await caughtAppError(() => laterStart(setup));
    expect(error.code).toBe('KEY_REJECTED');
    expect(error.message).toContain('malformed');
    expect(error.message).not.toContain('deadbeef');
  });

  it('refuses a well-formed key file that belongs to another appliance', async () => {
    const { setup } = await firstStart();
    const otherKey = 'ab'.repeat(32);
    fs.writeFileSync(keyPath(), `${otherKey}\n`, { mode: 0o600 });

    const error = await caughtAppError(() => laterStart(setup));
    expect(error.code).toBe('KEY_REJECTED');
    expect(error.reason).toBe('key_check_mismatch');
    expect(error.message).not.toContain(otherKey);
  });

  it('adopts a valid key file found on first start instead of replacing it', async () => {
    const restored = 'cd'.repeat(32);
    fs.mkdirSync(path.dirname(keyPath()), { recursive: true });
    fs.writeFileSync(keyPath(), `${restored}\n`, { mode: 0o600 });

    const first = await firstStart();
    expect(first.rootKey.toString('hex')).toBe(restored);
    expect(fs.readFileSync(keyPath(), 'utf8')).toBe(`${restored}\n`);
  });

  it('refuses a malformed key file found on first start and leaves it untouched', async () => {
    fs.mkdirSync(path.dirname(keyPath()), { recursive: true });
    fs.writeFileSync(keyPath(), 'garbage', { mode: 0o600 });

    const error = await caughtAppError(() => firstStart());
    expect(error.code).toBe('KEY_REJECTED');
    expect(fs.readFileSync(keyPath(), 'utf8')).toBe('garbage');
  });

  it('refuses a passphrase when the appliance was set up with a key file', async () => {
    const { setup } = await firstStart();

    const error = await caughtAppError(() =>
      laterStart(setup, 'a passphrase of some length'),
    );
    expect(error.code).toBe('KEY_REJECTED');
    expect(error.message).toContain('key file');
    expect(error.message).toContain(keyPath());
    expect(error.message).not.toContain('a passphrase of some length');
  });

  it('refuses a stored setup that this code could not have written', async () => {
    await firstStart();
    const damaged = { mode: 'file', check: 'not hex' } as KeySetup;

    const error = await caughtAppError(() => laterStart(damaged));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.reason).toBe('key_setup_invalid');
  });
});
