import type { MediaKind } from './media-kinds.ts';
import type { StatusKind } from './webhook.ts';

/**
 * Builders of webhook bodies in the documented Cloud API shape, for the
 * simulator and for tests. They return plain objects; serialise once and sign
 * those exact bytes.
 */

export interface WebhookOrigin {
  phoneNumberId: string;
  displayPhoneNumber: string;
  /** `entry[].id`; the appliance routes on phone_number_id, so any id will do. */
  wabaId?: string;
  /** Unix seconds; now when omitted. */
  timestampSeconds?: number;
}

export interface TextWebhookInput extends WebhookOrigin {
  waMessageId: string;
  from: string;
  profileName: string;
  text: string;
  /** The business message this one replies to. */
  contextMessageId?: string;
}

export interface StatusWebhookInput extends WebhookOrigin {
  waMessageId: string;
  status: StatusKind;
  recipientId: string;
  /** Present on `failed` statuses. */
  error?: { code: number; title: string; message?: string; details?: string };
  /** Adds the `pricing` object Meta sends with billable statuses. */
  pricingCategory?: string;
}

export interface WebhookBody {
  object: 'whatsapp_business_account';
  entry: {
    id: string;
    /** When Meta sent the change, in seconds. */
    time?: number;
    changes: { field: string; value: Record<string, unknown> }[];
  }[];
}

/** An inbound text message from a customer, with its contact. */
export function buildTextWebhook(input: TextWebhookInput): WebhookBody {
  const message: Record<string, unknown> = {
    from: input.from,
    id: input.waMessageId,
    timestamp: timestampOf(input),
    type: 'text',
    text: { body: input.text },
  };
  if (input.contextMessageId !== undefined) {
    message['context'] = { from: input.displayPhoneNumber, id: input.contextMessageId };
  }

  return wrap(input, {
    contacts: [{ profile: { name: input.profileName }, wa_id: input.from }],
    messages: [message],
  });
}

export interface MediaWebhookInput extends WebhookOrigin {
  waMessageId: string;
  from: string;
  profileName: string;
  kind: MediaKind;
  mediaId: string;
  mimeType: string;
  /** Hex SHA-256 of the file. */
  sha256: string;
  caption?: string;
  /** Documents only. */
  filename?: string;
}

/**
 * An inbound image, audio, video, document or sticker message. The file is
 * not in the webhook: it carries Meta's media id, to be fetched separately.
 * Shapes: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages/image
 */
export function buildMediaWebhook(input: MediaWebhookInput): WebhookBody {
  const media: Record<string, unknown> = {
    mime_type: input.mimeType,
    sha256: input.sha256,
    id: input.mediaId,
  };
  // Stickers and audio carry no caption; only documents have a file name.
  if (input.caption !== undefined && input.kind !== 'sticker' && input.kind !== 'audio') {
    media['caption'] = input.caption;
  }
  if (input.kind === 'document' && input.filename !== undefined) {
    media['filename'] = input.filename;
  }
  if (input.kind === 'sticker') media['animated'] = false;
  if (input.kind === 'audio') media['voice'] = false;

  return wrap(input, {
    contacts: [{ profile: { name: input.profileName }, wa_id: input.from }],
    messages: [
      {
        from: input.from,
        id: input.waMessageId,
        timestamp: timestampOf(input),
        type: input.kind,
        [input.kind]: media,
      },
    ],
  });
}

/** A status change of a message the business sent. */
export function buildStatusWebhook(input: StatusWebhookInput): WebhookBody {
  const status: Record<string, unknown> = {
    id: input.waMessageId,
    status: input.status,
    timestamp: timestampOf(input),
    recipient_id: input.recipientId,
  };
  if (input.pricingCategory !== undefined) {
    status['conversation'] = {
      id: `CONVERSATION_${input.recipientId}`,
      origin: { type: input.pricingCategory },
    };
    status['pricing'] = {
      billable: input.pricingCategory !== 'service',
      pricing_model: 'PMP',
      category: input.pricingCategory,
    };
  }
  if (input.error !== undefined) {
    const { code, title, message, details } = input.error;
    status['errors'] = [
      {
        code,
        title,
        message: message ?? title,
        error_data: { details: details ?? title },
      },
    ];
  }

  return wrap(input, { statuses: [status] });
}

function wrap(origin: WebhookOrigin, content: Record<string, unknown>): WebhookBody {
  return wrapChange(origin, 'messages', content);
}

/** One change for one number, in the envelope Meta posts. */
export function wrapChange(
  origin: WebhookOrigin,
  field: string,
  content: Record<string, unknown>,
): WebhookBody {
  const value = {
    messaging_product: 'whatsapp',
    metadata: {
      display_phone_number: origin.displayPhoneNumber,
      phone_number_id: origin.phoneNumberId,
    },
    ...content,
  };
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: origin.wabaId ?? '0', changes: [{ value, field }] }],
  };
}

function timestampOf(origin: WebhookOrigin): string {
  return String(origin.timestampSeconds ?? Math.floor(Date.now() / 1000));
}
