import { AppError } from '@flowgento/core';

/** A word to look for; `prefix` when the user ended it with `*`. */
export interface SearchTerm {
  text: string;
  prefix: boolean;
}

/** A stretch of a snippet that matched, by character offsets. */
export interface HighlightSpan {
  start: number;
  end: number;
}

/** What a result shows: plain text and the offsets to mark, never markup. */
export interface Snippet {
  text: string;
  highlights: HighlightSpan[];
  /** True when text was cut before or after the snippet. */
  clippedStart: boolean;
  clippedEnd: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_TERMS = 8;
const SNIPPET_CHARS = 160;

/**
 * Reads what an agent typed into words. Only letters and digits count, as
 * the index's tokenizer sees them, so quotes, operators and brackets are
 * never query syntax; a `*` right after a word asks for words starting with it.
 */
export function parseSearchQuery(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  for (const chunk of query.split(/\s+/)) {
    for (const word of chunk.matchAll(WORD)) {
      const next = chunk[word.index + word[0].length];
      terms.push({ text: word[0], prefix: next === '*' });
    }
  }
  if (terms.length === 0) {
    throw new AppError(
      'INVALID_INPUT',
      'Search for at least one word (letters or digits)',
      {
        reason: 'search_no_words',
      },
    );
  }
  if (terms.length > MAX_TERMS) {
    throw new AppError('INVALID_INPUT', `Search for at most ${MAX_TERMS} words at once`, {
      reason: 'search_too_many_words',
    });
  }
  return terms;
}

/** Lower case without accents, as `remove_diacritics` compares words. */
function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The part of `body` around the first match, with every matching word
 * marked by offsets into the returned text. The browser builds the marks
 * from these offsets as text nodes, so a body holding markup stays text.
 */
export function snippetOf(body: string, terms: readonly SearchTerm[]): Snippet {
  const wanted = terms.map((t) => ({ text: fold(t.text), prefix: t.prefix }));
  const spans: HighlightSpan[] = [];
  for (const match of body.matchAll(WORD)) {
    const word = fold(match[0]);
    const hit = wanted.some((t) =>
      t.prefix ? word.startsWith(t.text) : word === t.text,
    );
    if (hit) spans.push({ start: match.index, end: match.index + match[0].length });
  }

  const first = spans[0]?.start ?? 0;
  const from = body.length <= SNIPPET_CHARS ? 0 : Math.max(0, first - SNIPPET_CHARS / 4);
  const to = Math.min(body.length, from + SNIPPET_CHARS);
  return {
    text: body.slice(from, to),
    highlights: spans
      .filter((s) => s.start >= from && s.end <= to)
      .map((s) => ({ start: s.start - from, end: s.end - from })),
    clippedStart: from > 0,
    clippedEnd: to < body.length,
  };
}
