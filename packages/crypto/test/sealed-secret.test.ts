import { describe, expect, it } from 'vitest';
import {
  newMasterKey,
  sealedKeyId,
  sealSecret,
  unsealSecretText,
  wrapSecret,
} from '../src/index.ts';
import { caughtAppError } from './support.ts';

const aad = 'whatsapp_numbers/n-1/access_token';

describe('sealed secrets (envelope with key ids)', () => {
  it('round-trips and names the master key that sealed it', () => {
    const master = newMasterKey();
    const blob = sealSecret(master, 'EAAG-access-token', aad);
    expect(blob[0]).toBe(2);
    expect(sealedKeyId(blob)).toBe(master.id);
    expect(unsealSecretText(master, blob, aad)).toBe('EAAG-access-token');
  });

  it('gives every secret its own data key, so equal secrets never look alike', () => {
    const master = newMasterKey();
    const first = sealSecret(master, 'same', aad);
    const second = sealSecret(master, 'same', aad);
    expect(first.subarray(17).equals(second.subarray(17))).toBe(false);
  });

  it('refuses a blob that names another master key', async () => {
    const blob = sealSecret(newMasterKey(), 'token', aad);
    const error = await caughtAppError(() => unsealSecretText(newMasterKey(), blob, aad));
    expect(error.code).toBe('KEY_REJECTED');
    expect(error.reason).toBe('secret_key_mismatch');
  });

  it('refuses a blob whose key id was rewritten to name the key that opens it', async () => {
    const owner = newMasterKey();
    const other = newMasterKey();
    const blob = sealSecret(owner, 'token', aad);
    const relabelled = Buffer.from(blob);
    Buffer.from(other.id, 'hex').copy(relabelled, 1);
    const error = await caughtAppError(() => unsealSecretText(other, relabelled, aad));
    expect(error.code).toBe('INTERNAL');
    expect(error.reason).toBe('secret_unwrap_failed');
  });

  it('refuses a tampered header, data key or ciphertext', async () => {
    const master = newMasterKey();
    const blob = sealSecret(master, 'app secret value', aad);
    // version byte, key id, wrapped data key, secret ciphertext, final tag
    for (const offset of [0, 5, 30, blob.length - 20, blob.length - 1]) {
      const tampered = Buffer.from(blob);
      tampered[offset] = tampered[offset]! ^ 0x01;
      const error = await caughtAppError(() => unsealSecretText(master, tampered, aad));
      expect(['secret_unwrap_failed', 'secret_key_mismatch']).toContain(error.reason);
    }
  });

  it('refuses a blob read under another label (AAD mismatch)', async () => {
    const master = newMasterKey();
    const blob = sealSecret(master, 'token', aad);
    const error = await caughtAppError(() =>
      unsealSecretText(master, blob, 'whatsapp_numbers/n-2/access_token'),
    );
    expect(error.code).toBe('INTERNAL');
    expect(error.reason).toBe('secret_unwrap_failed');
  });

  it('refuses a version-1 blob or a truncated one as not sealed', async () => {
    const master = newMasterKey();
    const legacy = wrapSecret(master.key, 'token', aad);
    expect((await caughtAppError(() => sealedKeyId(legacy))).reason).toBe(
      'secret_unwrap_failed',
    );
    const short = sealSecret(master, 'token', aad).subarray(0, 40);
    expect(
      (await caughtAppError(() => unsealSecretText(master, short, aad))).reason,
    ).toBe('secret_unwrap_failed');
  });
});
