import {
  messagesValueSchema,
  webhookEnvelopeSchema,
  type MessagesValue,
  type RawError,
  type RawMessage,
  type RawStatus,
} from './webhook-schema.ts';
import { describeIssue } from './zod-issue.ts';
import { readInboundMedia, type InboundMedia } from './media-kinds.ts';

export { verifyHandshake, type HandshakeResult } from './handshake.ts';
export {
  buildMediaWebhook,
  buildStatusWebhook,
  buildTextWebhook,
  type MediaWebhookInput,
  type StatusWebhookInput,
  type TextWebhookInput,
} from './webhook-builders.ts';

/** `sent | delivered | read | failed`, or whatever Meta adds next. */
export type StatusKind = 'sent' | 'delivered' | 'read' | 'failed' | (string & {});

export interface InboundMessage {
  waMessageId: string;
  from: string;
  timestampMs: number;
  type: string;
  /** `text.body` for type text, the caption of a media message, else null. */
  text: string | null;
  /** The file of an image, audio, video, document or sticker message. */
  media: InboundMedia | null;
  contextMessageId: string | null;
  /** The whole message object as received. */
  raw: Record<string, unknown>;
}

export interface StatusUpdate {
  waMessageId: string;
  status: StatusKind;
  timestampMs: number;
  recipientId: string;
  errorCode: number | null;
  errorTitle: string | null;
  raw: Record<string, unknown>;
}

export interface WebhookError {
  code: number;
  title: string;
  message: string | null;
  raw: Record<string, unknown>;
}

/**
 * One per change. `kind: 'messages'` carries the parsed content; any other
 * subscribed field (account_update, template status, …) comes back as
 * `kind: 'other'` with empty lists and its untouched value, so callers can
 * log or route it without the parser having to know its shape.
 */
export interface WebhookBatch {
  kind: 'messages' | 'other';
  field: string;
  /** `entry[].id`: the WhatsApp Business Account id; '' when absent. */
  entryId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  contacts: { waId: string; profileName: string | null }[];
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  errors: WebhookError[];
  rawValue: Record<string, unknown>;
}

/**
 * On failure, `issue` names the field path and the problem, e.g.
 * `entry.0.changes.0.value.metadata.phone_number_id: expected string`.
 */
export type WebhookParseResult =
  { ok: true; batches: WebhookBatch[] } | { ok: false; issue: string };

/** Validates a webhook body (already JSON-parsed) and flattens it into batches. */
export function parseWebhook(json: unknown): WebhookParseResult {
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, issue: describeIssue(envelope.error) };

  const batches: WebhookBatch[] = [];
  for (const [entryIndex, entry] of envelope.data.entry.entries()) {
    for (const [changeIndex, change] of entry.changes.entries()) {
      const entryId = stringOr(entry['id'], '');
      if (change.field !== 'messages') {
        batches.push({ ...otherBatch(change.field, change.value), entryId });
        continue;
      }
      const value = messagesValueSchema.safeParse(change.value);
      if (!value.success) {
        const at = ['entry', entryIndex, 'changes', changeIndex, 'value'];
        return { ok: false, issue: describeIssue(value.error, at) };
      }
      batches.push({ ...messagesBatch(value.data), entryId });
    }
  }
  return { ok: true, batches };
}

function messagesBatch(value: MessagesValue): Omit<WebhookBatch, 'entryId'> {
  return {
    kind: 'messages',
    field: 'messages',
    phoneNumberId: value.metadata.phone_number_id,
    displayPhoneNumber: value.metadata.display_phone_number,
    contacts: (value.contacts ?? []).map((contact) => ({
      waId: contact.wa_id,
      profileName: contact.profile?.name ?? null,
    })),
    messages: (value.messages ?? []).map(toInboundMessage),
    statuses: (value.statuses ?? []).map(toStatusUpdate),
    errors: (value.errors ?? []).map(toWebhookError),
    rawValue: value,
  };
}

function otherBatch(
  field: string,
  value: Record<string, unknown>,
): Omit<WebhookBatch, 'entryId'> {
  const metadata = asRecord(value['metadata']);
  return {
    kind: 'other',
    field,
    phoneNumberId: stringOr(metadata?.['phone_number_id'], ''),
    displayPhoneNumber: stringOr(metadata?.['display_phone_number'], ''),
    contacts: [],
    messages: [],
    statuses: [],
    errors: [],
    rawValue: value,
  };
}

function toInboundMessage(message: RawMessage): InboundMessage {
  // Read without a schema: a text message missing its body is still a
  // message the agent should see, not a reason to drop the whole delivery.
  const media = readInboundMedia(message.type, message);
  const text =
    message.type === 'text' ? asRecord(message['text'])?.['body'] : media?.caption;
  const contextId = asRecord(message['context'])?.['id'];
  return {
    waMessageId: message.id,
    from: message.from,
    timestampMs: Number(message.timestamp) * 1000,
    type: message.type,
    text: stringOr(text, null),
    media,
    contextMessageId: stringOr(contextId, null),
    raw: message,
  };
}

function toStatusUpdate(status: RawStatus): StatusUpdate {
  const firstError = status.errors?.[0];
  return {
    waMessageId: status.id,
    status: status.status,
    timestampMs: Number(status.timestamp) * 1000,
    recipientId: status.recipient_id,
    errorCode: firstError?.code ?? null,
    errorTitle: firstError?.title ?? null,
    raw: status,
  };
}

function toWebhookError(error: RawError): WebhookError {
  return {
    code: error.code,
    title: error.title,
    message: error.message ?? null,
    raw: error,
  };
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function stringOr<T extends string | null>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}
