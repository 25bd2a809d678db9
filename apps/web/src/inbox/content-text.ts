import type { Message } from '../format.ts';

type Content = NonNullable<Message['content']>['content'];

/**
 * The lines an agent reads for a message of a kind other than text and
 * media: plain strings, rendered as React text children, never as HTML.
 * `quote` finds the words of another message of the thread by WhatsApp id.
 */
export function contentLines(
  content: Content,
  quote: (waMessageId: string | null) => string | null,
): { label: string; lines: string[] } {
  switch (content.kind) {
    case 'text':
      return { label: 'Text', lines: [content.body] };
    case 'media':
      return {
        label: content.media,
        lines: present([content.caption, content.filename]),
      };
    case 'location': {
      const where =
        content.latitude !== null && content.longitude !== null
          ? `${content.latitude.toFixed(5)}, ${content.longitude.toFixed(5)}`
          : null;
      return {
        label: 'Location',
        lines: present([content.name, content.address, where]),
      };
    }
    case 'contacts':
      return {
        label: content.contacts.length === 1 ? 'Shared contact' : 'Shared contacts',
        lines: content.contacts.map((contact) =>
          present([
            contact.name,
            ...contact.phones.map((p) => p.phone),
            ...contact.emails,
          ]).join(' · '),
        ),
      };
    case 'interactive':
      return {
        label: content.reply === 'list_reply' ? 'Chose from the list' : 'Tapped a button',
        lines: present([content.title, content.description]),
      };
    case 'button':
      return { label: 'Tapped a button', lines: present([content.text]) };
    case 'reaction': {
      const target = quote(content.messageId);
      const about = target === null ? 'a message' : `“${target}”`;
      return {
        label: 'Reaction',
        lines: [
          content.emoji === null
            ? `Removed their reaction to ${about}`
            : `Reacted ${content.emoji} to ${about}`,
        ],
      };
    }
    case 'order':
      return {
        label: `Order of ${content.items.length} product${content.items.length === 1 ? '' : 's'}`,
        lines: [
          ...content.items.map(
            (item) =>
              `${item.quantity ?? '?'} × ${item.productId ?? 'unknown product'}` +
              (item.price === null
                ? ''
                : ` at ${item.price} ${item.currency ?? ''}`.trimEnd()),
          ),
          ...present([content.text]),
        ],
      };
    case 'system':
      return {
        label: content.event === 'user_changed_number' ? 'Changed number' : 'System',
        lines: present([
          content.body,
          content.newWaId === null ? null : `New number: +${content.newWaId}`,
        ]),
      };
    case 'unsupported':
      return {
        label: 'Not shown',
        lines: [
          `WhatsApp did not pass this ${content.type} message on`,
          ...content.errors.map((error) =>
            present([
              error.code === null ? null : `Error ${error.code}`,
              error.title,
              error.details,
            ]).join(': '),
          ),
        ],
      };
  }
}

function present(values: (string | null)[]): string[] {
  return values.filter((value): value is string => value !== null && value !== '');
}
