import { describe, expect, it } from 'vitest';
import { sha256Hex, timingSafeEqualText } from '../src/index.ts';

describe('sha256Hex', () => {
  it('matches the published SHA-256 test vector for "abc"', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('hashes a string as its UTF-8 bytes', () => {
    expect(sha256Hex('café')).toBe(sha256Hex(Buffer.from('café', 'utf8')));
  });
});

describe('timingSafeEqualText', () => {
  it('is true only for identical strings', () => {
    expect(timingSafeEqualText('setup-code-1', 'setup-code-1')).toBe(true);
    expect(timingSafeEqualText('setup-code-1', 'setup-code-2')).toBe(false);
  });

  it('compares strings of different lengths without throwing', () => {
    expect(timingSafeEqualText('short', 'a much longer candidate')).toBe(false);
    expect(timingSafeEqualText('', '')).toBe(true);
    expect(timingSafeEqualText('', 'x')).toBe(false);
  });
});
