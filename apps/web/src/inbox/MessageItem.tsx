import { shortTime, statusLabel, type Message } from '../format.ts';
import { MessageContent } from './MessageContent.tsx';
import { MessageMedia } from './MessageMedia.tsx';

/** Kinds whose words `MessageContent` shows itself, in its own lines. */
const SHOWN_BY_CONTENT = new Set([
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'unsupported',
]);

/**
 * One message. The body is a React text child, never HTML: it is written by
 * a stranger on WhatsApp.
 */
export function MessageItem(props: {
  message: Message;
  now: number;
  quote?: (waMessageId: string | null) => string | null;
}) {
  const { message, now } = props;
  const outbound = message.direction === 'outbound';
  const status = statusLabel(message);
  const ownLines = SHOWN_BY_CONTENT.has(message.content?.content.kind ?? '');
  return (
    <li
      className={outbound ? 'message outbound' : 'message inbound'}
      data-testid={outbound ? 'message-outbound' : 'message-inbound'}
      data-status={message.status}
      data-type={message.type}
    >
      <MessageContent message={message} quote={props.quote ?? (() => null)} />
      {message.media && <MessageMedia media={message.media} />}
      {/* A caption is text like any body; a file without one needs no placeholder. */}
      {!ownLines && (message.body !== null || !message.media) && (
        <p className="message-body">{message.body ?? `[${message.type} message]`}</p>
      )}
      <p className="message-meta small">
        <time dateTime={new Date(message.occurredAt).toISOString()}>
          {shortTime(message.occurredAt, now)}
        </time>
        {status && (
          <span
            className={`status status-${message.status}`}
            data-testid="message-status"
            role={message.status === 'failed' ? 'alert' : undefined}
          >
            {status}
          </span>
        )}
      </p>
    </li>
  );
}
