import { useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';

type Conversation = Outputs['inbox']['conversations'][number];
type ListFilters = {
  assigned: 'all' | 'mine' | 'unassigned';
  status?: 'open' | 'pending' | 'resolved';
  numberId?: string;
};
interface Cursor {
  lastMessageAt: number;
  id: string;
}

/**
 * The pages after the first, each continuing after the last conversation
 * of the one before (the server's keyset cursor), so a conversation that
 * moves up while the agent reads never shows twice in one page. Keyed by the
 * filters where it is used: new filters start again from the first page.
 */
export function MoreConversations(props: {
  filters: ListFilters;
  first: Conversation[];
  pageSize: number;
  render: (list: Conversation[]) => ReactNode;
}) {
  const [cursors, setCursors] = useState<Cursor[]>([]);
  const more = (list: Conversation[]) => {
    const last = list.at(-1);
    if (last)
      setCursors((c) => [...c, { lastMessageAt: last.lastMessageAt, id: last.id }]);
  };
  return (
    <>
      {cursors.map((after, i) => (
        <NextPage
          key={after.id}
          filters={props.filters}
          after={after}
          pageSize={props.pageSize}
          last={i === cursors.length - 1}
          onMore={more}
          render={props.render}
        />
      ))}
      {cursors.length === 0 && (
        <MoreButton list={props.first} pageSize={props.pageSize} onMore={more} />
      )}
    </>
  );
}

function NextPage(props: {
  filters: ListFilters;
  after: Cursor;
  pageSize: number;
  last: boolean;
  onMore: (list: Conversation[]) => void;
  render: (list: Conversation[]) => ReactNode;
}) {
  const trpc = useTRPC();
  const page = useQuery(
    trpc.inbox.conversations.queryOptions({
      ...props.filters,
      after: props.after,
      limit: props.pageSize,
    }),
  );
  if (page.isPending) return <p className="muted">Loading…</p>;
  if (page.isError) return <ErrorNote error={page.error} />;
  return (
    <>
      {page.data.length > 0 && props.render(page.data)}
      {props.last && (
        <MoreButton list={page.data} pageSize={props.pageSize} onMore={props.onMore} />
      )}
    </>
  );
}

function MoreButton(props: {
  list: Conversation[];
  pageSize: number;
  onMore: (list: Conversation[]) => void;
}) {
  if (props.list.length < props.pageSize) return null;
  return (
    <button
      type="button"
      className="more-conversations"
      onClick={() => props.onMore(props.list)}
      data-testid="more-conversations"
    >
      More conversations
    </button>
  );
}
