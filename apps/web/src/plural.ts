/**
 * "1 contact", "3 contacts", "1 entry", "2 entries": a count with its noun
 * agreeing, as the server's words do (`plural` in @flowgento/core, which the
 * browser cannot import).
 */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
