import { AppError } from '@flowgento/core';

const MAX_KEY_BYTES = 1024;
// A segment may not start with a dot: that refuses `.` and `..`, and keeps
// the local provider's own `.partial` folder out of every key's reach.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * Refuses any key that is not a relative path of plain segments: no leading
 * slash, no empty, `.` or `..` segment, no backslash or other character that
 * a file system or URL could read differently. Both providers use the same
 * rule, so a key that works on local disk works in a bucket and back.
 */
export function assertObjectKey(key: unknown): asserts key is string {
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    Buffer.byteLength(key) > MAX_KEY_BYTES ||
    !key.split('/').every((segment) => SEGMENT.test(segment))
  ) {
    throw new AppError(
      'INVALID_INPUT',
      'An object key is a relative path of segments made of letters, digits, ".", "_" and "-", none starting with "."',
      { reason: 'object_key_invalid' },
    );
  }
}

/** True for one plain path segment, e.g. a file name the local provider may list. */
export function isKeySegment(name: string): boolean {
  return SEGMENT.test(name);
}

/** A listing prefix: empty, a key, or a key followed by "/". */
export function assertKeyPrefix(prefix: unknown): asserts prefix is string {
  if (prefix === '') return;
  if (typeof prefix === 'string' && prefix.endsWith('/')) {
    assertObjectKey(prefix.slice(0, -1));
    return;
  }
  assertObjectKey(prefix);
}
