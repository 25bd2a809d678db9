import type { Message } from '../format.ts';
import { contentLines } from './content-text.ts';

/**
 * What an inbound message of any kind says, beyond text and files: a place,
 * a shared contact, a chosen reply, a reaction, an order, a number change,
 * or why WhatsApp passed nothing on. All of it is text from a stranger.
 */
export function MessageContent(props: {
  message: Message;
  quote: (waMessageId: string | null) => string | null;
}) {
  const { content, replyToWaMessageId } = props.message;
  if (!content) return null;
  const kind = content.content.kind;
  const replyTo = kind === 'reaction' ? null : replyToWaMessageId;
  const quoted = replyTo === null ? null : props.quote(replyTo);
  const detail =
    kind === 'text' || kind === 'media'
      ? null
      : contentLines(content.content, props.quote);
  return (
    <>
      {content.forwarded && <p className="message-note small">Forwarded</p>}
      {replyTo !== null && (
        <p className="message-quote small" data-testid="message-quote">
          ↩ {quoted === null ? 'Replying to an earlier message' : `“${quoted}”`}
        </p>
      )}
      {detail && (
        <div className="message-kind" data-testid="message-kind" data-kind={kind}>
          <p className="message-label small">{detail.label}</p>
          {detail.lines.map((line, index) => (
            <p key={index} className="message-body">
              {line}
            </p>
          ))}
        </div>
      )}
      {content.referral && (
        <p className="message-note small" data-testid="message-referral">
          From an ad:{' '}
          {[content.referral.headline, content.referral.body]
            .filter((part) => part !== null)
            .join(' — ')}
        </p>
      )}
    </>
  );
}
