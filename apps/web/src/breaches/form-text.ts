/** A form entry as text: a file (never expected here) counts as empty. */
export function textOf(entry: FormDataEntryValue | null): string {
  return typeof entry === 'string' ? entry : '';
}
