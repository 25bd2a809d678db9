import { describe, expect, it } from 'vitest';
import { hashPassword, validateNewPassword, verifyPassword } from '../src/index.ts';
import { caughtAppError } from './support.ts';

describe('hashPassword and verifyPassword', () => {
  it('verify the password that was hashed, encoded as scrypt$15$8$1$salt$hash', async () => {
    const encoded = await hashPassword('a long member password');
    expect(encoded).toMatch(
      /^scrypt\$15\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/,
    );
    expect(await verifyPassword('a long member password', encoded)).toBe(true);
  });

  it('reject a wrong password', async () => {
    const encoded = await hashPassword('a long member password');
    expect(await verifyPassword('a long member passwort', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('salt every hash, so equal passwords are stored differently', async () => {
    const first = await hashPassword('same password here');
    const second = await hashPassword('same password here');
    expect(first).not.toBe(second);
  });

  it('accept the same password typed in another Unicode normalization form', async () => {
    const composed = 'café au lait'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it('return false instead of throwing for malformed encodings', async () => {
    const valid = await hashPassword('a long member password');
    const [, , , , salt = '', hash = ''] = valid.split('$');
    const malformed = [
      '',
      'not a hash',
      `bcrypt$15$8$1$${salt}$${hash}`,
      `scrypt$15$8$1$${salt}`,
      `scrypt$15$8$1$${salt}$${hash}$extra`,
      `scrypt$0$8$1$${salt}$${hash}`,
      `scrypt$99$8$1$${salt}$${hash}`,
      `scrypt$15$0$1$${salt}$${hash}`,
      `scrypt$15$8$x$${salt}$${hash}`,
      `scrypt$15$8$1$!!!!$${hash}`,
      `scrypt$15$8$1$${salt}$`,
      `scrypt$15$8$1$${salt}$AAAA`,
      null as unknown as string,
    ];
    for (const encoded of malformed) {
      await expect(verifyPassword('a long member password', encoded)).resolves.toBe(
        false,
      );
    }
  });
});

describe('validateNewPassword', () => {
  it('refuses a password shorter than 10 characters, naming the rule', async () => {
    const error = await caughtAppError(() => validateNewPassword('123456789'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('at least 10 characters');
  });

  it('refuses a password longer than 256 characters, naming the rule', async () => {
    const error = await caughtAppError(() => validateNewPassword('x'.repeat(257)));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain('at most 256 characters');
  });

  it('accepts passwords of exactly 10 and exactly 256 characters', () => {
    expect(() => validateNewPassword('0123456789')).not.toThrow();
    expect(() => validateNewPassword('x'.repeat(256))).not.toThrow();
  });

  it('counts characters, not UTF-16 units, so emoji are not counted twice', async () => {
    const error = await caughtAppError(() => validateNewPassword('🔑'.repeat(9)));
    expect(error.message).toContain('at least 10 characters');
    expect(() => validateNewPassword('🔑'.repeat(10))).not.toThrow();
  });
});
