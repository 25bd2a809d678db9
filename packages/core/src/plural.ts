/** "1 person", "3 people", "1 message", "0 messages": a count with its noun agreeing. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
