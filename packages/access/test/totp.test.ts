import { describe, expect, it } from 'vitest';
import {
  base32,
  fromBase32,
  matchTotp,
  otpauthUri,
  totpCode,
  totpStep,
} from '../src/totp.ts';

// RFC 6238 appendix B, SHA-1 seed; the 6-digit codes are the last six digits.
const SEED = Buffer.from('12345678901234567890', 'ascii');
const VECTORS: [seconds: number, code: string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];

describe('TOTP codes', () => {
  it.each(VECTORS)('at %i s matches the RFC 6238 test vector %s', (seconds, code) => {
    expect(totpCode(SEED, totpStep(seconds * 1000))).toBe(code);
  });

  it('accepts the current code and one step either side, nothing further', () => {
    const now = 1234567890_000;
    const step = totpStep(now);
    for (const offset of [-1, 0, 1])
      expect(matchTotp(SEED, totpCode(SEED, step + offset), now, null)).toBe(
        step + offset,
      );
    for (const offset of [-3, -2, 2, 3])
      expect(matchTotp(SEED, totpCode(SEED, step + offset), now, null)).toBeNull();
  });

  it('refuses a code already used, and codes older than the last one accepted', () => {
    const now = 1234567890_000;
    const step = totpStep(now);
    const code = totpCode(SEED, step);
    expect(matchTotp(SEED, code, now, step)).toBeNull();
    expect(matchTotp(SEED, totpCode(SEED, step - 1), now, step)).toBeNull();
    expect(matchTotp(SEED, totpCode(SEED, step + 1), now, step)).toBe(step + 1);
  });

  it('refuses malformed input without throwing, and tolerates spaces', () => {
    const now = 59_000;
    for (const typed of ['', '28708', '2870822', 'abcdef', '287 08x'])
      expect(matchTotp(SEED, typed, now, null)).toBeNull();
    expect(matchTotp(SEED, '287 082', now, null)).toBe(totpStep(now));
  });
});

describe('what an authenticator app is given', () => {
  it('encodes the secret in RFC 4648 base32 without padding', () => {
    expect(base32(SEED)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(base32(Buffer.from('f'))).toBe('MY');
  });

  it('reads back what it encodes, and refuses what is not base32', () => {
    for (const length of [1, 5, 20, 33]) {
      const bytes = Buffer.from(Array.from({ length }, (_, i) => (i * 37 + 11) % 256));
      expect(fromBase32(base32(bytes)).equals(bytes)).toBe(true);
    }
    expect(() => fromBase32('NOT BASE32!')).toThrow(/base32/);
  });

  it('builds an otpauth link naming issuer and account', () => {
    const uri = new URL(otpauthUri(SEED, 'owner@example.com', 'Flowgento'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Flowgento:owner@example.com');
    expect(uri.searchParams.get('secret')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
    expect(uri.searchParams.get('issuer')).toBe('Flowgento');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });
});
