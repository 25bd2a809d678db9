import { shortTime, statusLabel, type Message } from '../format.ts';
import { MessageMedia } from './MessageMedia.tsx';

/**
 * One message. The body is a React text child, never HTML: it is written by
 * a stranger on WhatsApp.
 */
export function MessageItem({ message, now }: { message: Message; now: number }) {
  const outbound = message.direction === 'outbound';
  const status = statusLabel(message);
  return (
    <li
      className={outbound ? 'message outbound' : 'message inbound'}
      data-testid={outbound ? 'message-outbound' : 'message-inbound'}
      data-status={message.status}
    >
      {message.media && <MessageMedia media={message.media} />}
      {/* A caption is text like any body; a file without one needs no placeholder. */}
      {(message.body !== null || !message.media) && (
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
