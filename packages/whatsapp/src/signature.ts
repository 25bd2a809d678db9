import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta signs every webhook delivery with HMAC-SHA256 of the raw request body,
 * keyed by the app secret, and sends it as `X-Hub-Signature-256: sha256=<hex>`.
 * Verification must run over the exact bytes received, before any JSON parsing.
 */
const HEADER_PATTERN = /^sha256=([0-9a-f]{64})$/i;

/** The `X-Hub-Signature-256` value for `rawBody` under `appSecret`. */
export function signPayload(appSecret: string, rawBody: Buffer): string {
  return `sha256=${hmac(appSecret, rawBody).toString('hex')}`;
}

/**
 * Index of the secret whose HMAC-SHA256 of rawBody matches the header, or -1.
 * Constant time per comparison; malformed/missing header → -1.
 *
 * Several secrets are accepted so an app secret can be rotated without
 * dropping deliveries signed with the old one while Meta catches up.
 */
export function matchSignature(
  header: string | undefined,
  rawBody: Buffer,
  appSecrets: readonly string[],
): number {
  if (header === undefined) return -1;
  const match = HEADER_PATTERN.exec(header.trim());
  if (match?.[1] === undefined) return -1;
  const received = Buffer.from(match[1], 'hex');

  // Every secret is tried even after a match, so timing does not reveal
  // which of the configured secrets signed the delivery.
  let found = -1;
  appSecrets.forEach((secret, index) => {
    // An empty secret is a configuration slip; anyone could sign with it.
    if (secret.length === 0) return;
    if (timingSafeEqual(hmac(secret, rawBody), received) && found === -1) found = index;
  });
  return found;
}

function hmac(secret: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(rawBody).digest();
}
