import type { z } from 'zod';

/**
 * The first issue of a failed parse as `path: problem`, e.g.
 * `entry.0.changes.0.value.metadata.phone_number_id: expected string`.
 * Values are never quoted back: they may be phone numbers or message text.
 */
export function describeIssue(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'body: invalid';
  const path = [...prefix, ...issue.path].map(String).join('.') || 'body';
  switch (issue.code) {
    case 'invalid_type':
      return `${path}: expected ${issue.expected}`;
    case 'invalid_value':
      return `${path}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
    default:
      return `${path}: ${issue.message}`;
  }
}
