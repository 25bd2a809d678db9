import type { FormEvent } from 'react';

/**
 * The text fields of a submitted form, keyed by `name`. Not trimmed: a
 * password may end in a space; the server trims names and emails itself.
 */
export function readForm(event: FormEvent<HTMLFormElement>): Record<string, string> {
  event.preventDefault();
  const values: Record<string, string> = {};
  for (const [name, value] of new FormData(event.currentTarget)) {
    if (typeof value === 'string') values[name] = value;
  }
  return values;
}

/** A field the form is known to have; an empty string when left blank. */
export function field(values: Record<string, string>, name: string): string {
  return values[name] ?? '';
}
