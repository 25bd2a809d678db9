import { workspaceScope, type Store } from '@flowgento/store';
import type {
  InboundMedia,
  TemplateStatusUpdate,
  UserPreference,
  WebhookBatch,
} from '@flowgento/whatsapp';
import type { LiveEvent } from './events.ts';
import { FIELD_HANDLERS, keepRawChange } from './intake-fields.ts';

/**
 * One verified change for one known number, reduced to plain strings and
 * numbers so it crosses to the writer thread cheaply. Raw fields travel as
 * JSON text and are stored as such.
 */
export interface IntakeRecord {
  workspaceId: string;
  numberId: string;
  /** `changes[].field`: picks the handler in `FIELD_HANDLERS`. */
  field: string;
  /**
   * The change's whole value: always for fields other than `messages`; for
   * `messages` only when it carries more than its rows keep (else null).
   */
  rawValueJson: string | null;
  contacts: { waId: string; profileName: string | null }[];
  messages: {
    waMessageId: string;
    from: string;
    timestampMs: number;
    type: string;
    text: string | null;
    contextMessageId: string | null;
    /** The file to fetch, for image, audio, video, document and sticker messages. */
    media: InboundMedia | null;
    /** `InboundContent` as JSON: what the agent is shown. */
    contentJson: string;
    /** A customer's new number, from a `user_changed_number` system message. */
    newWaId: string | null;
    rawJson: string;
  }[];
  statuses: {
    waMessageId: string;
    status: string;
    timestampMs: number;
    recipientId: string;
    errorCode: number | null;
    errorTitle: string | null;
    rawJson: string;
  }[];
  errors: { code: number; title: string; message: string | null; rawJson: string }[];
  /**
   * Elements that failed their schema, each as `{ issue, element }` JSON:
   * kept in `webhook_events` under `messages.invalid`.
   */
  invalidJson?: string[];
  /** From a `user_preferences` change (see account-intake.ts). */
  preferences?: UserPreference[];
  /** From a `message_template_status_update` change, with its business account. */
  templateUpdates?: (TemplateStatusUpdate & {
    businessAccountId: string;
    /** `entry[].time` in ms; null when the change has none. */
    occurredAt: number | null;
  })[];
}

export interface IntakeCounts {
  messages: number;
  statuses: number;
  errors: number;
}

export interface IntakeWrite {
  counts: IntakeCounts;
  /** What to tell browsers once the write is committed. */
  events: { workspaceId: string; event: LiveEvent }[];
  /** Files recorded as pending, for the fetcher to start on once committed. */
  media: QueuedMedia[];
}

/** A media row waiting for its file. */
export interface QueuedMedia {
  workspaceId: string;
  mediaId: string;
}

/** WhatsApp ids of people are phone numbers in international form, digits only. */
const WA_ID = /^[0-9]{5,20}$/;

export function toIntakeRecord(
  workspaceId: string,
  numberId: string,
  batch: WebhookBatch,
): IntakeRecord {
  return {
    workspaceId,
    numberId,
    field: batch.field,
    rawValueJson:
      batch.kind === 'messages' && !carriesMore(batch.rawValue)
        ? null
        : JSON.stringify(batch.rawValue),
    contacts: batch.contacts,
    messages: batch.messages.map(({ raw, content, ...message }) => ({
      ...message,
      contentJson: JSON.stringify(content),
      newWaId: newNumberOf(content.content),
      rawJson: JSON.stringify(raw),
    })),
    statuses: batch.statuses.map(({ raw, ...status }) => ({
      ...status,
      rawJson: JSON.stringify(raw),
    })),
    errors: batch.errors.map(({ raw, ...error }) => ({
      ...error,
      rawJson: JSON.stringify(raw),
    })),
    // Without the position, so the same bad element is kept once.
    invalidJson: batch.invalid.map(({ issueInList, raw }) =>
      JSON.stringify({ issue: issueInList, element: raw }),
    ),
  };
}

/** What a `messages` value holds that its rows keep: each message, status and error raw. */
const STORED_VALUE_KEYS = new Set([
  'messaging_product',
  'metadata',
  'contacts',
  'messages',
  'statuses',
  'errors',
]);
const STORED_CONTACT_KEYS = new Set(['wa_id', 'profile']);

/**
 * True when a `messages` value carries something its rows would not keep (a
 * field Meta added to the value or to a contact, such as a user id): the
 * value is then also kept whole. The common value costs two key scans.
 */
function carriesMore(value: Record<string, unknown>): boolean {
  if (Object.keys(value).some((key) => !STORED_VALUE_KEYS.has(key))) return true;
  const contacts = value['contacts'];
  if (!Array.isArray(contacts)) return false;
  return contacts.some((contact: unknown) => {
    if (typeof contact !== 'object' || contact === null) return true;
    const keys = Object.keys(contact);
    const profile = (contact as Record<string, unknown>)['profile'];
    const profileKeys =
      typeof profile === 'object' && profile !== null ? Object.keys(profile) : [];
    return (
      keys.some((key) => !STORED_CONTACT_KEYS.has(key)) ||
      profileKeys.some((key) => key !== 'name')
    );
  });
}

/** A new number is believed only in the form a WhatsApp id has. */
function newNumberOf(content: WebhookBatch['messages'][number]['content']['content']) {
  if (content.kind !== 'system' || content.event !== 'user_changed_number') return null;
  return content.newWaId !== null && WA_ID.test(content.newWaId) ? content.newWaId : null;
}

/**
 * Stores verified records, each by the handler of its field; a field no
 * handler reads is kept raw. Runs inside the caller's transaction.
 */
export function storeIntakeRecords(
  store: Store,
  records: readonly IntakeRecord[],
): IntakeWrite {
  const write: IntakeWrite = {
    counts: { messages: 0, statuses: 0, errors: 0 },
    events: [],
    media: [],
  };
  for (const record of records) {
    const scoped = store.in(workspaceScope(record.workspaceId));
    const handler = FIELD_HANDLERS.get(record.field) ?? keepRawChange;
    handler({ store, scoped, record, write });
  }
  return write;
}
