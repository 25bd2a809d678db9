import { useQuery } from '@tanstack/react-query';
import { useTRPC, type Me } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { SimulatorPanel } from '../simulator/SimulatorPanel.tsx';
import { useNow } from '../use-now.ts';
import { ConversationList } from './ConversationList.tsx';
import { ConversationPane } from './ConversationPane.tsx';
import { can } from '../permissions.ts';
import { LiveStatus } from './LiveStatus.tsx';
import { useInboxEvents } from './use-inbox-events.ts';

export function InboxScreen({
  me,
  conversationId,
}: {
  me: Me;
  conversationId: string | null;
}) {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions());
  const conversations = useQuery(trpc.inbox.conversations.queryOptions());
  const live = useInboxEvents(conversationId);
  const now = useNow();
  const list = conversations.data ?? [];

  return (
    <div className={conversationId ? 'inbox has-open' : 'inbox'} data-testid="inbox">
      <aside className="inbox-side" aria-label="Conversations">
        <div className="side-header">
          <h1>Inbox</h1>
          <LiveStatus state={live} />
        </div>
        <ErrorNote error={conversations.error} />
        {conversations.isPending ? (
          <p className="muted">Loading…</p>
        ) : (
          <ConversationList conversations={list} openId={conversationId} now={now} />
        )}
        {info.data?.simulator && conversations.isSuccess && (
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
          mayDelete={can(me, 'conversations.delete')}
        />
      ) : (
        <section className="pane pane-empty muted">
          Choose a conversation to read and reply.
        </section>
      )}
    </div>
  );
}
