/** "4 Dec 2026, 14:32": when support access ends, to the minute. */
export function untilText(at: number): string {
  return new Date(at).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
