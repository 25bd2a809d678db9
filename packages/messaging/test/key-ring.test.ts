import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newMasterKey, sealedKeyId, sealSecret, wrapSecret } from '@flowgento/crypto';
import { migrate, openEncryptedDatabase, Store } from '@flowgento/store';
import { KeyRing } from '../src/index.ts';

const aad = 'whatsapp_numbers/n-1/app_secret';
let dir: string;
let store: Store;
let ring: KeyRing;
const secretsKey = randomBytes(32);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-ring-'));
  const db = openEncryptedDatabase({ path: join(dir, 'db'), key: randomBytes(32) });
  migrate(db);
  store = new Store(db);
  ring = new KeyRing(store, secretsKey);
  expect(ring.prepare()).toEqual({ created: true, upgraded: 0 });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the key ring', () => {
  it('seals under its active master key and opens what it sealed', () => {
    const blob = ring.wrap('app-secret-value', aad);
    expect(sealedKeyId(blob)).toBe(ring.activeKeyId());
    expect(ring.unwrapText(blob, aad)).toBe('app-secret-value');
    expect(ring.prepare()).toEqual({ created: false, upgraded: 0 });
  });

  it('refuses a blob that names a key the ring does not hold', () => {
    const stranger = sealSecret(newMasterKey(), 'value', aad);
    expect(() => ring.unwrapText(stranger, aad)).toThrow(
      expect.objectContaining({ code: 'KEY_REJECTED', reason: 'secret_key_unknown' }),
    );
  });

  it('refuses a blob read under another label', () => {
    const blob = ring.wrap('value', aad);
    expect(() => ring.unwrapText(blob, 'whatsapp_numbers/n-2/app_secret')).toThrow(
      expect.objectContaining({ code: 'INTERNAL', reason: 'secret_unwrap_failed' }),
    );
  });

  it('still reads a version-1 blob wrapped directly by the secrets key', () => {
    expect(ring.unwrapText(wrapSecret(secretsKey, 'legacy', aad), aad)).toBe('legacy');
  });

  it('refuses a blob of a retired key after rotation', () => {
    const blob = ring.wrap('value', aad);
    const result = ring.rotate();
    expect(result.rewrapped).toBe(0);
    expect(result.retiredKeyIds).toEqual([sealedKeyId(blob)]);
    expect(() => ring.unwrapText(blob, aad)).toThrow(
      expect.objectContaining({ code: 'KEY_REJECTED', reason: 'secret_key_retired' }),
    );
  });

  it('cannot open its master keys with another secrets key', () => {
    const blob = ring.wrap('value', aad);
    const impostor = new KeyRing(store, randomBytes(32));
    expect(() => impostor.unwrapText(blob, aad)).toThrow(
      expect.objectContaining({ reason: 'secret_unwrap_failed' }),
    );
  });
});
