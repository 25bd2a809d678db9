import { randomBytes, randomUUID } from 'node:crypto';

/** A new opaque identifier for a row, URL-safe and sortable by nothing. */
export function newId(): string {
  return randomUUID();
}

/** `bytes` random bytes as base64url, for tokens and codes shown once. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
