import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { can } from '../permissions.ts';
import { SimulatorPanel } from '../simulator/SimulatorPanel.tsx';
import { useNow } from '../use-now.ts';
import { AssigneeFilter, type Assigned } from './AssigneeFilter.tsx';
import { DeskFilters, type StatusChoice } from './DeskFilters.tsx';
import { SearchBox } from './SearchBox.tsx';
import { SearchResults } from './SearchResults.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ConversationPane } from './ConversationPane.tsx';
import { LiveStatus } from './LiveStatus.tsx';
import { MoreConversations } from './MoreConversations.tsx';
import { useInboxEvents } from './use-inbox-events.ts';

/** Conversations per page of the list. */
const LIST_LIMIT = 200;

export function InboxScreen({
  me,
  conversationId,
}: {
  me: Me;
  conversationId: string | null;
}) {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions());
  const [assigned, setAssigned] = useState<Assigned>('all');
  const [status, setStatus] = useState<StatusChoice>('any');
  const [numberId, setNumberId] = useState('');
  const [search, setSearch] = useState('');
  const filters = {
    assigned,
    status: status === 'any' ? undefined : status,
    numberId: numberId || undefined,
  };
  const conversations = useQuery(
    trpc.inbox.conversations.queryOptions({ ...filters, limit: LIST_LIMIT }),
  );
  const unread = useQuery(trpc.desk.unread.queryOptions());
  const live = useInboxEvents(conversationId);
  const now = useNow();
  const list = conversations.data ?? [];

  return (
    <div className={conversationId ? 'inbox has-open' : 'inbox'} data-testid="inbox">
      <aside className="inbox-side" aria-label="Conversations">
        <div className="side-header">
          <h1>Inbox</h1>
          {(unread.data?.total ?? 0) > 0 && (
            <span className="badge" data-testid="unread-total">
              {unread.data?.total} unread
            </span>
          )}
          <LiveStatus state={live} />
        </div>
        <SearchBox onSearch={setSearch} />
        <AssigneeFilter value={assigned} onChange={setAssigned} />
        <DeskFilters
          status={status}
          onStatus={setStatus}
          numberId={numberId}
          onNumber={setNumberId}
        />
        <ErrorNote error={conversations.error} />
        {search !== '' ? (
          <SearchResults query={search} now={now} />
        ) : conversations.isPending ? (
          <p className="muted">Loading…</p>
        ) : (
          <>
            <ConversationList
              conversations={list}
              openId={conversationId}
              now={now}
              meId={me.userId}
              filtered={assigned !== 'all' || status !== 'any' || numberId !== ''}
            />
            <MoreConversations
              key={JSON.stringify(filters)}
              filters={filters}
              first={list}
              pageSize={LIST_LIMIT}
              render={(page) => (
                <ConversationList
                  conversations={page}
                  openId={conversationId}
                  now={now}
                  meId={me.userId}
                  filtered
                />
              )}
            />
          </>
        )}
        {info.data?.simulator && can(me, 'simulator.use') && conversations.isSuccess && (
          <SimulatorPanel
            me={me}
            conversations={list}
            openConversation={list.find((c) => c.id === conversationId) ?? null}
          />
        )}
      </aside>
      {conversationId ? (
        <ConversationPane
          key={conversationId}
          conversationId={conversationId}
          now={now}
          me={me}
        />
      ) : (
        <section className="pane pane-empty muted">
          Choose a conversation to read and reply.
        </section>
      )}
    </div>
  );
}
