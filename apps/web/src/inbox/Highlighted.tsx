/** A stretch of text to mark, by character offsets into it. */
export interface Span {
  start: number;
  end: number;
}

/**
 * Text with some stretches marked. The marks are built from offsets, each
 * piece a text node, so whatever the text holds (tags, entities) shows as
 * the characters it is and never becomes markup.
 */
export function Highlighted(props: { text: string; spans: readonly Span[] }) {
  const pieces: { text: string; marked: boolean }[] = [];
  let at = 0;
  for (const span of [...props.spans].sort((a, b) => a.start - b.start)) {
    if (span.start < at || span.end > props.text.length) continue;
    if (span.start > at)
      pieces.push({ text: props.text.slice(at, span.start), marked: false });
    pieces.push({ text: props.text.slice(span.start, span.end), marked: true });
    at = span.end;
  }
  if (at < props.text.length) pieces.push({ text: props.text.slice(at), marked: false });
  return (
    <>
      {pieces.map((piece, i) =>
        piece.marked ? (
          <mark key={i}>{piece.text}</mark>
        ) : (
          <span key={i}>{piece.text}</span>
        ),
      )}
    </>
  );
}
