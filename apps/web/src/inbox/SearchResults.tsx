import { useInfiniteQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { shortTime } from '../format.ts';
import { hrefOf } from '../routing.ts';
import { Highlighted } from './Highlighted.tsx';

/** Messages of the workspace holding every word searched for, newest first. */
export function SearchResults(props: { query: string; now: number }) {
  const trpc = useTRPC();
  const search = useInfiniteQuery(
    trpc.desk.search.infiniteQueryOptions(
      { query: props.query },
      {
        getNextPageParam: (page) => page.next ?? undefined,
        initialCursor: undefined,
      },
    ),
  );
  if (search.isPending) return <p className="muted">Searching…</p>;
  if (search.isError) return <ErrorNote error={search.error} />;

  const results = search.data.pages.flatMap((page) => page.results);
  if (results.length === 0) {
    return (
      <p className="empty muted" data-testid="search-empty">
        No message holds all of these words.
      </p>
    );
  }
  return (
    <>
      <ul className="conversation-list" data-testid="search-results">
        {results.map((r) => (
          <li key={r.messageId}>
            <a
              href={hrefOf({ screen: 'inbox', conversationId: r.conversationId })}
              className="conversation"
              data-testid="search-result"
            >
              <span className="conversation-top">
                <span className="contact-name">
                  {r.contact.name ?? `+${r.contact.waId}`}
                </span>
                <time
                  className="muted small"
                  dateTime={new Date(r.occurredAt).toISOString()}
                >
                  {shortTime(r.occurredAt, props.now)}
                </time>
              </span>
              <span className="preview" data-testid="search-snippet">
                {r.snippet.clippedStart && '…'}
                <Highlighted text={r.snippet.text} spans={r.snippet.highlights} />
                {r.snippet.clippedEnd && '…'}
              </span>
            </a>
          </li>
        ))}
      </ul>
      {search.hasNextPage && (
        <button
          type="button"
          disabled={search.isFetchingNextPage}
          onClick={() => void search.fetchNextPage()}
        >
          More results
        </button>
      )}
    </>
  );
}
