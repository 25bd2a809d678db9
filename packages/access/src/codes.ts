import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: codes are read off a terminal and typed by people. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A code of `groups` groups of four characters, about 20 bits per group. */
export function humanCode(groups = 4): string {
  const parts: string[] = [];
  for (let g = 0; g < groups; g += 1) {
    let part = '';
    for (let i = 0; i < 4; i += 1) part += ALPHABET[randomInt(ALPHABET.length)];
    parts.push(part);
  }
  return parts.join('-');
}

/** Case and separators do not matter when a person types a code back. */
export function normalizeCode(code: string): string {
  const compact = code.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return compact.match(/.{1,4}/g)?.join('-') ?? '';
}
