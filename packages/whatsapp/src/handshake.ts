export type HandshakeResult = { ok: true; challenge: string } | { ok: false };

/**
 * Meta's challenge is a number; anything beyond a short token of URL-safe
 * characters is refused rather than echoed back into a response body.
 */
const CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/;

/**
 * Answers the `GET` Meta sends when a webhook URL is (re)configured:
 * `hub.mode=subscribe`, the verify token the operator chose, and a challenge
 * to echo back. The token check is delegated so the caller can compare in
 * constant time against whichever tokens it holds.
 */
export function verifyHandshake(
  query: URLSearchParams,
  isVerifyToken: (token: string) => boolean,
): HandshakeResult {
  const mode = query.get('hub.mode');
  const token = query.get('hub.verify_token');
  const challenge = query.get('hub.challenge');

  if (mode !== 'subscribe' || token === null || token === '') return { ok: false };
  if (challenge === null || !CHALLENGE_PATTERN.test(challenge)) return { ok: false };
  return isVerifyToken(token) ? { ok: true, challenge } : { ok: false };
}
