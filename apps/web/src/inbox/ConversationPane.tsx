import { useEffect, useRef } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC, type Me, type Outputs } from '../api.ts';
import { ErrorNote } from '../forms/ErrorNote.tsx';
import { serviceWindowText, windowOpen } from '../format.ts';
import { contactName, contactNumber } from './contact.ts';
import { MessageItem } from './MessageItem.tsx';
import { ReplyBox } from './ReplyBox.tsx';
import { TemplatePicker } from './TemplatePicker.tsx';
import { ConsentNote } from './ConsentNote.tsx';
import { DeleteConversation } from './DeleteConversation.tsx';
import { AssigneeControl } from './AssigneeControl.tsx';
import { can } from '../permissions.ts';
import { ContactPanel } from './ContactPanel.tsx';
import { StatusControl } from './StatusControl.tsx';

type Conversation = Outputs['inbox']['conversations'][number];

/** The open conversation: its messages, the service window and the reply box. */
export function ConversationPane(props: { conversationId: string; now: number; me: Me }) {
  const { conversationId } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.inbox.conversation.queryOptions({ conversationId }));
  const listEnd = useRef<HTMLLIElement>(null);
  const messageCount = query.data?.messages.length ?? 0;

  // Seeing the messages marks the conversation read: on opening and whenever
  // new ones arrive while it is open. A background refetch alone does not.
  const markRead = useMutation(
    trpc.inbox.markRead.mutationOptions({
      onSuccess: () => {
        // Every filtered list that holds it; they share the procedure's path.
        queryClient.setQueriesData<Conversation[]>(
          { queryKey: trpc.inbox.conversations.pathKey() },
          (list) =>
            list?.map((c) => (c.id === conversationId ? { ...c, unreadCount: 0 } : c)),
        );
        void queryClient.invalidateQueries({ queryKey: trpc.desk.unread.queryKey() });
      },
    }),
  );
  const { mutate: markReadNow } = markRead;
  useEffect(() => {
    if (query.isSuccess) markReadNow({ conversationId });
  }, [query.isSuccess, messageCount, conversationId, markReadNow]);

  useEffect(() => {
    listEnd.current?.scrollIntoView({ block: 'end' });
  }, [messageCount, conversationId]);

  if (query.isPending)
    return <section className="pane muted">Loading conversation…</section>;
  if (query.isError) {
    return (
      <section className="pane">
        <ErrorNote error={query.error} />
      </section>
    );
  }

  const { conversation, messages, marketing } = query.data;
  // The ticking clock may predate the fetch; never count from before it.
  const now = Math.max(props.now, query.dataUpdatedAt);
  const open = windowOpen(conversation.windowClosesAt, now);
  const quote = (waMessageId: string | null): string | null => {
    const quoted = messages.find(
      (m) => waMessageId !== null && m.waMessageId === waMessageId,
    );
    return quoted ? (quoted.body ?? `[${quoted.type} message]`) : null;
  };
  return (
    <section className="pane" data-testid="conversation-pane" aria-label="Conversation">
      <header className="pane-header">
        <a className="back-link" href="#/inbox">
          ← Conversations
        </a>
        <div>
          <h2 data-testid="conversation-contact">{contactName(conversation.contact)}</h2>
          <p className="muted small">
            {contactNumber(conversation.contact)} · to{' '}
            <span data-testid="pane-number">
              {conversation.number.displayPhoneNumber}
            </span>
          </p>
          {query.data.previousWaId !== null && (
            <p className="muted small" data-testid="previous-number">
              Wrote from +{query.data.previousWaId} before changing number
            </p>
          )}
        </div>
        <AssigneeControl
          me={props.me}
          conversationId={conversation.id}
          assignee={conversation.assignee}
        />
        {can(props.me, 'messages.reply') && (
          <StatusControl conversationId={conversation.id} status={conversation.status} />
        )}
        <p
          className={open ? 'window window-open' : 'window window-closed'}
          data-testid="service-window"
        >
          {serviceWindowText(conversation.windowClosesAt, now)}
        </p>
      </header>
      <ol className="messages" data-testid="messages">
        {messages.map((message) => (
          <MessageItem key={message.id} message={message} now={now} quote={quote} />
        ))}
        <li ref={listEnd} className="messages-end" aria-hidden="true" />
      </ol>
      {conversation.contact.optedOutAt !== null && (
        <p className="note">This contact opted out of messages; replies are refused.</p>
      )}
      <ConsentNote conversationId={conversation.id} marketing={marketing} me={props.me} />
      {can(props.me, 'messages.reply') && (
        <>
          <ReplyBox conversationId={conversation.id} windowOpen={open} />
          {open ? (
            <details className="template-details">
              <summary>Send a template</summary>
              <TemplatePicker conversationId={conversation.id} me={props.me} windowOpen />
            </details>
          ) : (
            <TemplatePicker
              conversationId={conversation.id}
              me={props.me}
              windowOpen={false}
            />
          )}
        </>
      )}
      <ContactPanel
        conversationId={conversation.id}
        mayWrite={can(props.me, 'messages.reply')}
        me={props.me}
        mayErase={can(props.me, 'contacts.erase')}
      />
      {can(props.me, 'conversations.delete') && (
        <footer className="pane-footer">
          <DeleteConversation conversationId={conversation.id} />
        </footer>
      )}
    </section>
  );
}
