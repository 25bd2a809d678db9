import type {
  Contact,
  ConversationSummary,
  MediaRecord,
  Message,
} from '@flowgento/store';
import type { ExportedConsent } from './export-consent.ts';
import type { Recipient } from './export-summary.ts';

/**
 * A note as the export shows it (note-redaction.ts): `text` null when the
 * note is withheld whole, `redacted` when anything was withheld or masked.
 */
export interface ExportedNote {
  id: string;
  writtenAt: string;
  text: string | null;
  redacted: boolean;
}

/** The schema version contact.json follows (docs/schemas). */
export const CONTACT_EXPORT_SCHEMA_VERSION = 2;

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/**
 * contact.json as a sequence of text chunks: the head, each page of
 * messages, the tail. It is never held whole, so 10,000 messages cost no
 * more memory than one page.
 */
export function* contactJsonParts(input: {
  exportedAt: string;
  requestId: string | null;
  workspaceName: string;
  contact: Contact;
  /** When the person's withdrawal took effect (see `optedOutAtOf`). */
  optedOutAt: number | null;
  consent: readonly ExportedConsent[];
  seen: { firstSeenAt: number | null; lastSeenAt: number | null };
  conversations: readonly ConversationSummary[];
  pages: (
    conversationId: string,
  ) => Iterable<{ messages: Message[]; media: MediaRecord[] }>;
  notes: readonly ExportedNote[];
  recipients: readonly Recipient[];
  onMessages: (count: number) => void;
}): Generator<string> {
  const head = {
    schemaVersion: CONTACT_EXPORT_SCHEMA_VERSION,
    exportedAt: input.exportedAt,
    requestId: input.requestId,
    workspace: { name: input.workspaceName },
    contact: {
      id: input.contact.id,
      whatsappNumber: input.contact.waId,
      profileName: input.contact.profileName,
      optedOutAt: iso(input.optedOutAt),
      firstSeenAt: iso(input.seen.firstSeenAt),
      lastSeenAt: iso(input.seen.lastSeenAt),
    },
    consent: input.consent,
  };
  yield JSON.stringify(head).slice(0, -1) + ',"conversations":[';
  let firstConversation = true;
  for (const conversation of input.conversations) {
    const start = {
      id: conversation.id,
      businessNumber: conversation.number.displayPhoneNumber,
      status: conversation.status,
    };
    yield (
      (firstConversation ? '' : ',') +
      JSON.stringify(start).slice(0, -1) +
      ',"messages":['
    );
    firstConversation = false;
    let firstMessage = true;
    for (const page of input.pages(conversation.id)) {
      const files = new Map(page.media.map((m) => [m.messageId, m]));
      const rows = page.messages.map((message) =>
        JSON.stringify(exportedMessage(message, files.get(message.id))),
      );
      yield (firstMessage ? '' : ',') + rows.join(',');
      firstMessage = false;
      input.onMessages(page.messages.length);
    }
    yield ']}';
  }
  yield `],"notes":${JSON.stringify(input.notes)},"sharedWith":${JSON.stringify(input.recipients)}}`;
}

function exportedMessage(message: Message, media: MediaRecord | undefined) {
  return {
    id: message.id,
    direction: message.direction,
    type: message.type,
    text: message.body ?? textOf(message.contentJson),
    status: message.status,
    sentAt: new Date(message.occurredAt).toISOString(),
    media: media
      ? {
          kind: media.kind,
          file: media.state === 'stored' ? mediaFileName(media) : null,
          mimeType: media.mimeType,
          size: media.size,
        }
      : null,
  };
}

/** The words of an inbound message of any kind, when it has some. */
function textOf(contentJson: string | null): string | null {
  if (contentJson === null) return null;
  const content = JSON.parse(contentJson) as Record<string, unknown>;
  for (const key of ['body', 'caption', 'text', 'title', 'emoji']) {
    const value = content[key];
    if (typeof value === 'string') return value;
  }
  return null;
}

/**
 * Where a file sits in the zip: its id keeps names unique, a safe name
 * follows, and the extension of its type, so that the person's computer
 * opens a photo as a photo ("…-image.jpg"), unless the name has it already.
 */
export function mediaFileName(
  record: Pick<MediaRecord, 'id' | 'filename' | 'kind' | 'mimeType'>,
): string {
  const base = (record.filename ?? record.kind)
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .slice(0, 80);
  const extension = extensionOf(record.mimeType);
  const has = extension && base.toLowerCase().endsWith(`.${extension}`);
  return `media/${record.id}-${base}${extension && !has ? `.${extension}` : ''}`;
}

/** File extensions of the types WhatsApp carries; others get none. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

function extensionOf(mimeType: string | null): string | null {
  // `audio/ogg; codecs=opus` → `audio/ogg`
  const type = (mimeType ?? '').split(';')[0]!.trim().toLowerCase();
  return EXTENSIONS[type] ?? null;
}
