import { wrapChange, type WebhookBody, type WebhookOrigin } from './webhook-builders.ts';

/**
 * Builders of the inbound kinds beyond text and media, in the documented
 * Cloud API shapes, for the simulator and for tests.
 * Shapes: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */
export type InboundEvent =
  | { type: 'text'; body: string }
  | {
      type: 'location';
      latitude: number;
      longitude: number;
      name?: string;
      address?: string;
    }
  | { type: 'contacts'; contacts: { name: string; phone: string; waId?: string }[] }
  | { type: 'button_reply'; id: string; title: string }
  | { type: 'list_reply'; id: string; title: string; description?: string }
  | { type: 'button'; text: string; payload: string }
  | { type: 'reaction'; messageId: string; emoji: string }
  | {
      type: 'order';
      catalogId: string;
      text?: string;
      items: { productId: string; quantity: number; price: number; currency: string }[];
    }
  /** Sent from the customer's old number; `newWaId` is the number they moved to. */
  | { type: 'number_change'; newWaId: string; body: string }
  /** What Meta sends for a kind the Cloud API cannot carry (error 131051). */
  | { type: 'unsupported' }
  /** Any other shape, e.g. a kind Meta adds tomorrow. */
  | { type: 'raw'; messageType: string; fields: Record<string, unknown> };

export interface InboundWebhookInput extends WebhookOrigin {
  waMessageId: string;
  from: string;
  profileName: string;
  event: InboundEvent;
  /** The message this one answers or reacts to. */
  contextMessageId?: string;
  /** The ad the customer tapped (click-to-WhatsApp). */
  referral?: { headline: string; body: string; sourceUrl: string };
}

/** A customer's message of any kind, with its contact. */
export function buildInboundWebhook(input: InboundWebhookInput): WebhookBody {
  const [type, fields] = messageFields(input.event);
  const message: Record<string, unknown> = {
    from: input.from,
    id: input.waMessageId,
    timestamp: String(input.timestampSeconds ?? Math.floor(Date.now() / 1000)),
    type,
    ...fields,
  };
  if (input.contextMessageId !== undefined) {
    message['context'] = { from: input.displayPhoneNumber, id: input.contextMessageId };
  }
  if (input.referral !== undefined) {
    message['referral'] = {
      source_url: input.referral.sourceUrl,
      source_id: '120201234567890',
      source_type: 'ad',
      headline: input.referral.headline,
      body: input.referral.body,
      media_type: 'image',
      image_url: input.referral.sourceUrl,
      ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ',
    };
  }
  // A number change names the new number as the contact's wa_id.
  const waId = input.event.type === 'number_change' ? input.event.newWaId : input.from;
  return wrapChange(input, 'messages', {
    contacts: [{ profile: { name: input.profileName }, wa_id: waId }],
    messages: [message],
  });
}

/** Errors Meta reports for the number as a whole, in `value.errors`. */
export function buildValueErrorsWebhook(
  origin: WebhookOrigin,
  errors: { code: number; title: string; details: string }[],
): WebhookBody {
  return wrapChange(origin, 'messages', {
    errors: errors.map(({ code, title, details }) => ({
      code,
      title,
      message: title,
      error_data: { details },
    })),
  });
}

/** A change of another subscribed field (account_update, user_preferences, …). */
export function buildFieldWebhook(
  origin: WebhookOrigin,
  field: string,
  value: Record<string, unknown>,
): WebhookBody {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: origin.wabaId ?? '0', changes: [{ value, field }] }],
  };
}

function messageFields(event: InboundEvent): [string, Record<string, unknown>] {
  switch (event.type) {
    case 'text':
      return ['text', { text: { body: event.body } }];
    case 'location': {
      const { latitude, longitude, name, address } = event;
      return ['location', { location: { latitude, longitude, name, address } }];
    }
    case 'contacts':
      return [
        'contacts',
        {
          contacts: event.contacts.map((contact) => ({
            name: { formatted_name: contact.name, first_name: contact.name },
            phones: [{ phone: contact.phone, wa_id: contact.waId, type: 'CELL' }],
          })),
        },
      ];
    case 'button_reply':
      return [
        'interactive',
        {
          interactive: {
            type: 'button_reply',
            button_reply: { id: event.id, title: event.title },
          },
        },
      ];
    case 'list_reply':
      return [
        'interactive',
        {
          interactive: {
            type: 'list_reply',
            list_reply: {
              id: event.id,
              title: event.title,
              description: event.description,
            },
          },
        },
      ];
    case 'button':
      return ['button', { button: { text: event.text, payload: event.payload } }];
    case 'reaction':
      return [
        'reaction',
        { reaction: { message_id: event.messageId, emoji: event.emoji } },
      ];
    case 'order':
      return [
        'order',
        {
          order: {
            catalog_id: event.catalogId,
            text: event.text,
            product_items: event.items.map((item) => ({
              product_retailer_id: item.productId,
              quantity: String(item.quantity),
              item_price: String(item.price),
              currency: item.currency,
            })),
          },
        },
      ];
    case 'number_change':
      return [
        'system',
        {
          system: {
            body: event.body,
            new_wa_id: event.newWaId,
            type: 'user_changed_number',
          },
        },
      ];
    case 'unsupported':
      return [
        'unsupported',
        {
          errors: [
            {
              code: 131051,
              title: 'Message type unknown',
              message: 'Message type unknown',
              error_data: { details: 'Message type is currently not supported.' },
            },
          ],
        },
      ];
    case 'raw':
      return [event.messageType, event.fields];
  }
}
