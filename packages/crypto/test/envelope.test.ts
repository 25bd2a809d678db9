import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unwrapSecret, unwrapSecretText, wrapSecret } from '../src/index.ts';
import { caughtAppError } from './support.ts';

const key = randomBytes(32);
const aad = 'whatsapp_numbers/n-1/access_token';

async function expectUnwrapFailure(action: () => unknown): Promise<void> {
  const error = await caughtAppError(action);
  expect(error.code).toBe('INTERNAL');
  expect(error.message).toBe('A stored secret could not be decrypted');
  expect(error.reason).toBe('secret_unwrap_failed');
}

describe('wrapSecret and unwrapSecret', () => {
  it('return the original text after a round trip', () => {
    const blob = wrapSecret(key, 'EAAG-access-token', aad);
    expect(unwrapSecretText(key, blob, aad)).toBe('EAAG-access-token');
  });

  it('return the original bytes, including an empty secret', () => {
    const bytes = randomBytes(100);
    expect(unwrapSecret(key, wrapSecret(key, bytes, aad), aad).equals(bytes)).toBe(true);
    expect(unwrapSecret(key, wrapSecret(key, '', aad), aad)).toHaveLength(0);
  });

  it('lay a blob out as version 1, a 12-byte IV, the ciphertext and a 16-byte tag', () => {
    const blob = wrapSecret(key, 'abcde', aad);
    expect(blob[0]).toBe(1);
    expect(blob).toHaveLength(1 + 12 + 5 + 16);
  });

  it('use a fresh IV each time, so the same secret never wraps the same way', () => {
    const first = wrapSecret(key, 'same secret', aad);
    const second = wrapSecret(key, 'same secret', aad);
    expect(first.equals(second)).toBe(false);
    expect(first.subarray(1, 13).equals(second.subarray(1, 13))).toBe(false);
  });

  it('refuse a blob with any single byte changed', async () => {
    const blob = wrapSecret(key, 'app secret', aad);
    for (let index = 0; index < blob.length; index += 1) {
      const tampered = Buffer.from(blob);
      tampered[index] = (tampered[index] ?? 0) ^ 0x01;
      await expectUnwrapFailure(() => unwrapSecret(key, tampered, aad));
    }
  });

  it('refuse a blob read back under a different aad', async () => {
    const blob = wrapSecret(key, 'token', aad);
    await expectUnwrapFailure(() =>
      unwrapSecret(key, blob, 'whatsapp_numbers/n-2/access_token'),
    );
  });

  it('refuse a blob unwrapped with a different key', async () => {
    const blob = wrapSecret(key, 'token', aad);
    await expectUnwrapFailure(() => unwrapSecret(randomBytes(32), blob, aad));
    await expectUnwrapFailure(() => unwrapSecret(randomBytes(16), blob, aad));
  });

  it('refuse a truncated blob and an unknown format version', async () => {
    const blob = wrapSecret(key, 'token', aad);
    await expectUnwrapFailure(() => unwrapSecret(key, blob.subarray(0, 28), aad));
    await expectUnwrapFailure(() => unwrapSecret(key, Buffer.alloc(0), aad));

    const future = Buffer.from(blob);
    future[0] = 2;
    await expectUnwrapFailure(() => unwrapSecret(key, future, aad));
  });

  it('refuse to wrap under a key that is not 32 bytes', async () => {
    const error = await caughtAppError(() => wrapSecret(randomBytes(16), 'token', aad));
    expect(error.code).toBe('INTERNAL');
    expect(error.reason).toBe('secret_key_invalid');
  });
});
