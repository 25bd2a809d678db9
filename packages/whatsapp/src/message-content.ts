import { isMediaKind, type MediaKind } from './media-kinds.ts';

/**
 * What an inbound message says, per kind, reduced to the plain strings and
 * numbers an agent reads. Everything here comes from a stranger: it is
 * shown as text, never as markup. The raw message is stored beside it, so
 * a field left out here is not lost.
 * Shapes: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
export type MessageContent =
  | { kind: 'text'; body: string }
  | { kind: 'media'; media: MediaKind; caption: string | null; filename: string | null }
  | {
      kind: 'location';
      latitude: number | null;
      longitude: number | null;
      name: string | null;
      address: string | null;
      url: string | null;
    }
  | { kind: 'contacts'; contacts: SharedContact[] }
  | {
      kind: 'interactive';
      /** `button_reply`, `list_reply`, `nfm_reply`, or whatever Meta adds. */
      reply: string;
      id: string | null;
      title: string | null;
      description: string | null;
    }
  | { kind: 'button'; text: string | null; payload: string | null }
  | { kind: 'reaction'; emoji: string | null; messageId: string | null }
  | { kind: 'order'; catalogId: string | null; text: string | null; items: OrderItem[] }
  | {
      kind: 'system';
      /** `user_changed_number`, or another system event kept as it came. */
      event: string;
      body: string | null;
      newWaId: string | null;
    }
  | { kind: 'unsupported'; type: string; errors: ContentError[] };

export interface SharedContact {
  name: string | null;
  phones: { phone: string; waId: string | null }[];
  emails: string[];
}

export interface OrderItem {
  productId: string | null;
  quantity: number | null;
  price: number | null;
  currency: string | null;
}

export interface ContentError {
  code: number | null;
  title: string | null;
  details: string | null;
}

/** The ad or post a customer came from (click-to-WhatsApp), on any kind. */
export interface MessageReferral {
  sourceType: string | null;
  sourceUrl: string | null;
  headline: string | null;
  body: string | null;
}

/** A message's content plus what can ride on any kind. */
export interface InboundContent {
  content: MessageContent;
  referral: MessageReferral | null;
  forwarded: boolean;
}

/** Reads any inbound message; an unknown or malformed kind becomes `unsupported`. */
export function readMessageContent(message: Record<string, unknown>): InboundContent {
  const type = str(message['type']) ?? 'unknown';
  const referral = record(message['referral']);
  const context = record(message['context']);
  return {
    content:
      (type === 'contacts' ? sharedContacts(message) : readKind(type, message)) ??
      unsupported(type, message),
    referral: referral && {
      sourceType: str(referral['source_type']),
      sourceUrl: str(referral['source_url']),
      headline: str(referral['headline']),
      body: str(referral['body']),
    },
    forwarded:
      context?.['forwarded'] === true || context?.['frequently_forwarded'] === true,
  };
}

/**
 * The words of a message, for the thread's text and for search: the text,
 * a caption, the chosen reply, a place's name, a shared contact's name, a
 * reaction's emoji.
 */
export function contentText(content: MessageContent): string | null {
  switch (content.kind) {
    case 'text':
      return content.body;
    case 'media':
      return content.caption;
    case 'location':
      return joined([content.name, content.address]);
    case 'contacts':
      return joined(content.contacts.map((contact) => contact.name));
    case 'interactive':
      return joined([content.title, content.description]);
    case 'button':
      return content.text;
    case 'order':
      return content.text;
    case 'system':
      return content.body;
    case 'reaction':
      // The emoji alone, so the conversation list previews something.
      return content.emoji;
    case 'unsupported':
      return null;
  }
}

function readKind(type: string, message: Record<string, unknown>): MessageContent | null {
  // Own keys only: `type` is webhook-supplied and may be `__proto__`.
  const part = Object.hasOwn(message, type) ? record(message[type]) : null;
  if (isMediaKind(type)) {
    return {
      kind: 'media',
      media: type,
      caption: str(part?.['caption']),
      filename: type === 'document' ? str(part?.['filename']) : null,
    };
  }
  if (!part) return null;
  switch (type) {
    case 'text': {
      const body = str(part['body']);
      return body === null ? null : { kind: 'text', body };
    }
    case 'location':
      return {
        kind: 'location',
        latitude: num(part['latitude']),
        longitude: num(part['longitude']),
        name: str(part['name']),
        address: str(part['address']),
        url: str(part['url']),
      };
    case 'interactive':
      return interactive(part);
    case 'button':
      return { kind: 'button', text: str(part['text']), payload: str(part['payload']) };
    case 'reaction':
      // An empty emoji is how Meta reports a reaction taken back.
      return {
        kind: 'reaction',
        emoji: str(part['emoji']),
        messageId: str(part['message_id']),
      };
    case 'order':
      return {
        kind: 'order',
        catalogId: str(part['catalog_id']),
        text: str(part['text']),
        items: list(part['product_items']).map((item) => ({
          productId: str(item['product_retailer_id']),
          quantity: num(item['quantity']),
          price: num(item['item_price']),
          currency: str(item['currency']),
        })),
      };
    case 'system':
      return {
        kind: 'system',
        event: str(part['type']) ?? 'unknown',
        body: str(part['body']),
        // Older payloads name the new number `wa_id`, newer ones `new_wa_id`.
        newWaId: str(part['new_wa_id']) ?? str(part['wa_id']),
      };
    default:
      return null;
  }
}

/** `contacts` is an array at the message's top level, not an object. */
function sharedContacts(message: Record<string, unknown>): MessageContent | null {
  const contacts = list(message['contacts']);
  if (contacts.length === 0) return null;
  return {
    kind: 'contacts',
    contacts: contacts.map((contact) => {
      const name = record(contact['name']);
      return {
        name:
          str(name?.['formatted_name']) ??
          joined([str(name?.['first_name']), str(name?.['last_name'])], ' '),
        phones: list(contact['phones']).flatMap((phone) => {
          const number = str(phone['phone']) ?? str(phone['wa_id']);
          return number === null ? [] : [{ phone: number, waId: str(phone['wa_id']) }];
        }),
        emails: list(contact['emails']).flatMap((email) => str(email['email']) ?? []),
      };
    }),
  };
}

function interactive(part: Record<string, unknown>): MessageContent {
  const reply = str(part['type']) ?? 'unknown';
  const chosen = record(part[reply]);
  return {
    kind: 'interactive',
    reply,
    id: str(chosen?.['id']),
    title: str(chosen?.['title']) ?? str(chosen?.['name']),
    description: str(chosen?.['description']) ?? str(chosen?.['body']),
  };
}

function unsupported(type: string, message: Record<string, unknown>): MessageContent {
  return {
    kind: 'unsupported',
    type,
    errors: list(message['errors']).map((error) => ({
      code: num(error['code']),
      title: str(error['title']) ?? str(error['message']),
      details: str(record(error['error_data'])?.['details']),
    })),
  };
}

function joined(parts: (string | null)[], separator = ', '): string | null {
  const present = parts.filter((part): part is string => part !== null);
  return present.length > 0 ? present.join(separator) : null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function list(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const object = record(item);
    return object ? [object] : [];
  });
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Meta sends coordinates as numbers and order quantities as strings. */
function num(value: unknown): number | null {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : null;
}
