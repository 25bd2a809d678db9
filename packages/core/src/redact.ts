/**
 * Field names whose values never reach a log line: credentials, keys, message
 * bodies and phone numbers. Matching is on the key name, at any depth.
 */
const SENSITIVE_KEY =
  /pass(word|phrase)?|secret|token|authorization|cookie|^key$|[a-z]Key$|^body$|^text$|caption|^phone$|phone_?number$|display_?phone|wa_?id|^from$|^to$|recipient|setup_?code|invite_?code|^challenge$/i;

const MAX_DEPTH = 8;
export const REDACTED = '[redacted]';

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Returns a copy of `value` with every sensitive field replaced. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (value instanceof Error) return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));

  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) ? REDACTED : redact(inner, depth + 1);
  }
  return out;
}
