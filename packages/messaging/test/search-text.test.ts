import { describe, expect, it } from 'vitest';
import { AppError } from '@flowgento/core';
import { parseSearchQuery, snippetOf } from '../src/search-text.ts';

describe('what an agent types into search', () => {
  it('becomes words; quotes, operators and brackets are not syntax', () => {
    expect(parseSearchQuery('  "refund" OR (late*) col:x ')).toEqual([
      { text: 'refund', prefix: false },
      { text: 'OR', prefix: false },
      { text: 'late', prefix: true },
      { text: 'col', prefix: false },
      { text: 'x', prefix: false },
    ]);
  });

  it('is refused with a clear reason when it holds no word', () => {
    const error = (() => {
      try {
        parseSearchQuery('"*" ( ) -');
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/at least one word/);
  });
});

describe('a result snippet', () => {
  it('marks matching words by offsets, accents and case folded, markup left as text', () => {
    const body = '<b>Café</b> order: CAFE delivered';
    const snippet = snippetOf(body, [{ text: 'cafe', prefix: false }]);
    expect(snippet.text).toBe(body);
    expect(snippet.highlights.map((h) => snippet.text.slice(h.start, h.end))).toEqual([
      'Café',
      'CAFE',
    ]);
  });

  it('shows the part of a long message around the first match', () => {
    const body = `${'filler '.repeat(60)}the tracking number is here ${'more '.repeat(60)}`;
    const snippet = snippetOf(body, [{ text: 'track', prefix: true }]);
    expect(snippet.clippedStart).toBe(true);
    expect(snippet.clippedEnd).toBe(true);
    const [mark] = snippet.highlights;
    expect(snippet.text.slice(mark!.start, mark!.end)).toBe('tracking');
  });
});
