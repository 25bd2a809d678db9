import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatKitKey, parseKitKey } from '../src/index.ts';

const key = randomBytes(32);

describe('the kit key format', () => {
  it('writes 14 groups of four and reads them back to the same 32 bytes', () => {
    const text = formatKitKey(key);
    expect(text).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(parseKitKey(text).equals(key)).toBe(true);
  });

  it('reads the key as a person types it: any case, spaces, line breaks, O for 0', () => {
    const text = formatKitKey(Buffer.alloc(32));
    const typed = `  ${text.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o')}\n`;
    expect(parseKitKey(typed).equals(Buffer.alloc(32))).toBe(true);
  });

  it('refuses every single mistyped character with the checksum reason', () => {
    const text = formatKitKey(key).replace(/-/g, '');
    for (let at = 0; at < text.length; at += 1) {
      const swapped = text[at] === 'Z' ? 'Y' : 'Z';
      const typo = text.slice(0, at) + swapped + text.slice(at + 1);
      expect(() => parseKitKey(typo), `position ${at}`).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          reason: 'kit_key_checksum_mismatch',
        }),
      );
    }
  });

  it('refuses two swapped groups, a missing group and a foreign character', () => {
    const groups = formatKitKey(key).split('-');
    const swapped = [groups[1], groups[0], ...groups.slice(2)].join('-');
    expect(() => parseKitKey(swapped)).toThrow(
      expect.objectContaining({ reason: 'kit_key_checksum_mismatch' }),
    );
    expect(() => parseKitKey(groups.slice(1).join('-'))).toThrow(
      expect.objectContaining({
        reason: 'kit_key_malformed',
        message: expect.stringContaining('it has 52 characters; the kit shows 56'),
      }),
    );
    expect(() => parseKitKey(`${groups.join('-').slice(0, -1)}U`)).toThrow(
      expect.objectContaining({
        reason: 'kit_key_malformed',
        message: expect.stringContaining('"U" is not a character'),
      }),
    );
  });
});
