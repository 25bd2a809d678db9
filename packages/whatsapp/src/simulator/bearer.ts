import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares digests so the comparison takes the same time whatever the length. */
export function hasToken(header: string | undefined, expected: string): boolean {
  const match = /^Bearer ([^\s]+)$/.exec(header ?? '');
  if (match?.[1] === undefined) return false;
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(expected));
}
