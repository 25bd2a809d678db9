import type { z } from 'zod';
import {
  contactSchema,
  errorSchema,
  messageSchema,
  messagesValueSchema,
  statusSchema,
  webhookEnvelopeSchema,
  type MessagesValue,
  type RawContact,
  type RawError,
  type RawMessage,
  type RawStatus,
} from './webhook-schema.ts';
import { describeIssue } from './zod-issue.ts';
import { readInboundMedia, type InboundMedia } from './media-kinds.ts';
import {
  contentText,
  readMessageContent,
  type InboundContent,
} from './message-content.ts';

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
  /**
   * The message's words: `text.body`, a caption, the chosen reply's title,
   * a place's name; null for kinds without any (a sticker, an unsupported kind).
   */
  text: string | null;
  /** What the agent is shown, per kind; see `MessageContent`. */
  content: InboundContent;
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
 * An element of a `messages` value that does not have the documented shape.
 * Kept apart, raw, so that the valid elements beside it are stored and the
 * delivery is still acknowledged (Meta would otherwise redeliver it forever).
 */
export interface InvalidElement {
  /** `entry.0.changes.0.value.messages.1.timestamp: expected string of seconds`. */
  issue: string;
  /**
   * The same issue without the element's position (`messages.timestamp:
   * expected string of seconds`): what is stored with the element, so that
   * one bad element is kept once wherever in a delivery it arrives.
   */
  issueInList: string;
  /** The element as received. */
  raw: unknown;
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
  /** `entry[].id`: the WhatsApp Business Account, for fields sent per account. */
  accountId: string;
  /** `entry[].time` in ms: when Meta sent the change; null when absent. */
  entryTimeMs: number | null;
  phoneNumberId: string;
  displayPhoneNumber: string;
  contacts: { waId: string; profileName: string | null }[];
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  errors: WebhookError[];
  /** Elements of the lists above that failed their schema. */
  invalid: InvalidElement[];
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
      const accountId = typeof entry['id'] === 'string' ? entry['id'] : '';
      const seconds = entry['time'];
      const entryTimeMs =
        typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0
          ? Math.round(seconds * 1000)
          : null;
      if (change.field !== 'messages') {
        batches.push({
          ...otherBatch(change.field, accountId, change.value),
          entryTimeMs,
        });
        continue;
      }
      const value = messagesValueSchema.safeParse(change.value);
      if (!value.success) {
        // Without its number the change cannot be routed: refused whole.
        const at = ['entry', entryIndex, 'changes', changeIndex, 'value'];
        return { ok: false, issue: describeIssue(value.error, at) };
      }
      const at = ['entry', entryIndex, 'changes', changeIndex, 'value'];
      batches.push({ ...messagesBatch(accountId, value.data, at), entryTimeMs });
    }
  }
  return { ok: true, batches };
}

function messagesBatch(
  accountId: string,
  value: MessagesValue,
  at: readonly PropertyKey[],
): Omit<WebhookBatch, 'entryTimeMs'> {
  const invalid: InvalidElement[] = [];
  const list = <T>(key: string, schema: z.ZodType<T>): T[] =>
    validElements(value[key], schema, at, key, invalid);
  const contacts = list<RawContact>('contacts', contactSchema);
  const messages = list<RawMessage>('messages', messageSchema);
  const statuses = list<RawStatus>('statuses', statusSchema);
  const errors = list<RawError>('errors', errorSchema);
  return {
    kind: 'messages',
    field: 'messages',
    accountId,
    phoneNumberId: value.metadata.phone_number_id,
    displayPhoneNumber: value.metadata.display_phone_number,
    contacts: contacts.map((contact) => ({
      waId: contact.wa_id,
      profileName: contact.profile?.name ?? null,
    })),
    messages: messages.map(toInboundMessage),
    statuses: statuses.map(toStatusUpdate),
    errors: errors.map(toWebhookError),
    invalid,
    rawValue: value,
  };
}

/**
 * The elements of an optional list that pass `schema`; each other one, or
 * the whole field when it is not a list, goes to `invalid` with its issue.
 */
function validElements<T>(
  list: unknown,
  schema: z.ZodType<T>,
  at: readonly PropertyKey[],
  key: string,
  invalid: InvalidElement[],
): T[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    invalid.push({
      issue: `${[...at, key].map(String).join('.')}: expected array`,
      issueInList: `${key}: expected array`,
      raw: list,
    });
    return [];
  }
  const valid: T[] = [];
  for (const [index, element] of (list as unknown[]).entries()) {
    const parsed = schema.safeParse(element);
    if (parsed.success) valid.push(parsed.data);
    else
      invalid.push({
        issue: describeIssue(parsed.error, [...at, key, index]),
        issueInList: describeIssue(parsed.error, [key]),
        raw: element,
      });
  }
  return valid;
}

function otherBatch(
  field: string,
  accountId: string,
  value: Record<string, unknown>,
): Omit<WebhookBatch, 'entryTimeMs'> {
  const metadata = asRecord(value['metadata']);
  return {
    kind: 'other',
    field,
    accountId,
    phoneNumberId: stringOr(metadata?.['phone_number_id'], ''),
    displayPhoneNumber: stringOr(metadata?.['display_phone_number'], ''),
    contacts: [],
    messages: [],
    statuses: [],
    errors: [],
    invalid: [],
    rawValue: value,
  };
}

function toInboundMessage(message: RawMessage): InboundMessage {
  // Read without a schema: a text message missing its body is still a
  // message the agent should see, not a reason to drop the whole delivery.
  const media = readInboundMedia(message.type, message);
  const content = readMessageContent(message);
  const contextId = asRecord(message['context'])?.['id'];
  return {
    waMessageId: message.id,
    from: message.from,
    timestampMs: Number(message.timestamp) * 1000,
    type: message.type,
    text: contentText(content.content),
    content,
    media,
    contextMessageId: stringOr(contextId, null),
    raw: message,
  };
}

function toStatusUpdate(status: RawStatus): StatusUpdate {
  const firstError = readStatusError(status.errors);
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

/**
 * The first error of a status, read leniently: a code of digits in a string
 * becomes a number, anything else unreadable becomes null. The raw error
 * stays in the status's raw JSON.
 */
function readStatusError(errors: unknown): { code: number | null; title: string | null } {
  const first: unknown = Array.isArray(errors) ? errors[0] : undefined;
  if (typeof first !== 'object' || first === null) return { code: null, title: null };
  const { code, title } = first as Record<string, unknown>;
  const readCode =
    typeof code === 'number' && Number.isSafeInteger(code)
      ? code
      : typeof code === 'string' && /^\d{1,9}$/.test(code)
        ? Number(code)
        : null;
  return { code: readCode, title: typeof title === 'string' ? title : null };
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
