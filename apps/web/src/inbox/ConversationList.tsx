import type { Outputs } from '../api.ts';
import { shortTime } from '../format.ts';
import { hrefOf } from '../routing.ts';
import { contactName, contactNumber } from './contact.ts';

type Conversation = Outputs['inbox']['conversations'][number];

/** Who holds a conversation, in the fewest words. */
function assigneeText(c: Conversation, meId: string): string {
  if (!c.assignee) return 'Unassigned';
  return c.assignee.userId === meId ? 'You' : c.assignee.displayName;
}

export function ConversationList(props: {
  conversations: Conversation[];
  openId: string | null;
  now: number;
  meId: string;
  filtered: boolean;
}) {
  if (props.conversations.length === 0) {
    return (
      <p className="empty muted" data-testid="conversations-empty">
        {props.filtered
          ? 'No conversations match this filter.'
          : 'No conversations yet. They appear here as soon as a customer writes.'}
      </p>
    );
  }
  return (
    <ul className="conversation-list" data-testid="conversation-list">
      {props.conversations.map((c) => {
        const open = c.id === props.openId;
        // The open conversation is being read right now; its count is stale.
        const unread = open ? 0 : c.unreadCount;
        return (
          <li key={c.id}>
            <a
              href={hrefOf({ screen: 'inbox', conversationId: c.id })}
              className={open ? 'conversation open' : 'conversation'}
              aria-current={open ? 'true' : undefined}
              data-testid="conversation-item"
            >
              <span className="conversation-top">
                <span className="contact-name">{contactName(c.contact)}</span>
                <time
                  className="muted small"
                  dateTime={new Date(c.lastMessageAt).toISOString()}
                >
                  {shortTime(c.lastMessageAt, props.now)}
                </time>
              </span>
              <span className="conversation-middle muted small">
                <span>{contactNumber(c.contact)}</span>
                <span data-testid="conversation-number" title="The number they wrote to">
                  to {c.number.displayPhoneNumber}
                </span>
                {c.status !== 'open' && (
                  <span className="status-tag" data-testid="conversation-status">
                    {c.status === 'pending' ? 'Pending' : 'Resolved'}
                  </span>
                )}
                <span
                  className={c.assignee ? 'assignee' : 'assignee unassigned'}
                  data-testid="conversation-assignee"
                >
                  {assigneeText(c, props.meId)}
                </span>
              </span>
              <span className="conversation-bottom">
                <span className="preview">{c.lastMessagePreview ?? 'No text'}</span>
                {unread > 0 && (
                  <span
                    className="badge"
                    data-testid="unread-badge"
                    aria-label={`${unread} unread`}
                  >
                    {unread}
                  </span>
                )}
              </span>
            </a>
          </li>
        );
      })}
    </ul>
  );
}
