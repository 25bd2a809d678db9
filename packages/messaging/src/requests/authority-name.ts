/**
 * An authority's name as it reads after "complain to": "the Data
 * Protection Board of India", "the Information Commissioner's Office", but
 * "CNIL" and a name that already opens with "the" stay as they are.
 */
export function authorityInSentence(name: string): string {
  const trimmed = name.trim();
  const first = trimmed.split(/\s+/u)[0] ?? '';
  if (/^the$/iu.test(first) || /^\p{Lu}{2,}$/u.test(first)) return trimmed;
  return `the ${trimmed}`;
}
