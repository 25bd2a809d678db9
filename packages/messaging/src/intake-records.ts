import { AppError } from '@flowgento/core';
import { workspaceScope, type Store } from '@flowgento/store';
import type {
  InboundMedia,
  TemplateStatusUpdate,
  UserPreference,
  WebhookBatch,
} from '@flowgento/whatsapp';
import {
  storeConsentKeyword,
  storeOptedOutStatus,
  storePreferences,
  storeTemplateUpdates,
} from './account-intake.ts';
import { effectiveKeywords } from './consent-keywords.ts';
import type { LiveEvent } from './events.ts';

/**
 * One verified change for one known number, reduced to plain strings and
 * numbers so it crosses to the writer thread cheaply. Raw fields travel as
 * JSON text and are stored as such.
 */
export interface IntakeRecord {
  workspaceId: string;
  numberId: string;
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
  /** From a `user_preferences` change (see account-intake.ts). */
  preferences?: UserPreference[];
  /** From a `message_template_status_update` change, with its business account. */
  templateUpdates?: (TemplateStatusUpdate & { businessAccountId: string })[];
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
  for (const [index, message] of batch.messages.entries()) {
    if (!WA_ID.test(message.from)) {
      throw new AppError(
        'INVALID_INPUT',
        `Webhook payload rejected: messages.${index}.from is not a WhatsApp id`,
        {
          reason: 'webhook_invalid_payload',
        },
      );
    }
  }
  return {
    workspaceId,
    numberId,
    contacts: batch.contacts,
    messages: batch.messages.map(({ raw, ...message }) => ({
      ...message,
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
  };
}

/**
 * Stores verified records: each message once (by wamid), its contact and
 * conversation, statuses moved forward only, and Meta's reported errors.
 * Runs inside the caller's transaction.
 */
export function storeIntakeRecords(
  store: Store,
  records: readonly IntakeRecord[],
): IntakeWrite {
  const counts: IntakeCounts = { messages: 0, statuses: 0, errors: 0 };
  const events: IntakeWrite['events'] = [];
  const media: QueuedMedia[] = [];
  // A timestamp from the future would hold the 24-hour window open (and pin
  // the conversation on top): no message counts as later than its arrival.
  const now = store.clock.now();
  for (const record of records) {
    const { workspaceId } = record;
    const scoped = store.in(workspaceScope(workspaceId));
    const names = new Map(record.contacts.map((c) => [c.waId, c.profileName]));
    let keywords: ReturnType<typeof effectiveKeywords> | undefined;
    const keywordsOnce = () =>
      (keywords ??= effectiveKeywords(scoped.consent.keywords()));

    for (const message of record.messages) {
      if (scoped.messages.exists(message.waMessageId)) continue;
      const contactId = scoped.contacts.upsert(
        message.from,
        names.get(message.from) ?? null,
      );
      const occurredAt = Math.min(message.timestampMs, now);
      const conversationId = scoped.conversations.touchInbound(
        record.numberId,
        contactId,
        occurredAt,
      );
      const messageId = scoped.messages.insertInbound({
        conversationId,
        waMessageId: message.waMessageId,
        type: message.type,
        body: message.text,
        rawJson: message.rawJson,
        replyToWaMessageId: message.contextMessageId,
        occurredAt,
      });
      if (!messageId) continue;
      counts.messages += 1;
      const consentMoved =
        message.type === 'text' &&
        storeConsentKeyword(
          scoped,
          { contactId, numberId: record.numberId, text: message.text, occurredAt },
          keywordsOnce,
        );
      if (consentMoved) {
        events.push({ workspaceId, event: { type: 'consent.changed', contactId } });
      }
      if (message.media) {
        const mediaId = scoped.media.insertPending({
          messageId,
          numberId: record.numberId,
          waMediaId: message.media.mediaId,
          kind: message.media.kind,
          filename: message.media.filename,
          mimeType: message.media.mimeType,
        });
        media.push({ workspaceId, mediaId });
      }
      events.push({
        workspaceId,
        event: { type: 'message.created', conversationId, messageId },
      });
    }

    for (const status of record.statuses) {
      const messageId = scoped.messages.applyStatus({
        numberId: record.numberId,
        waMessageId: status.waMessageId,
        status: status.status,
        occurredAt: status.timestampMs,
        recipientId: status.recipientId,
        errorCode: status.errorCode,
        errorTitle: status.errorTitle,
        rawJson: status.rawJson,
      });
      counts.statuses += 1;
      const optedOut = storeOptedOutStatus(scoped, record.numberId, status, now);
      if (optedOut) {
        events.push({
          workspaceId,
          event: { type: 'consent.changed', contactId: optedOut },
        });
      }
      const message = messageId ? scoped.messages.get(messageId) : undefined;
      if (message) {
        events.push({
          workspaceId,
          event: {
            type: 'message.status',
            conversationId: message.conversationId,
            messageId: message.id,
            status: message.status,
          },
        });
      }
    }

    for (const error of record.errors) {
      scoped.numbers.recordWebhookError(record.numberId, error);
      counts.errors += 1;
    }

    for (const contactId of storePreferences(scoped, record, now)) {
      events.push({ workspaceId, event: { type: 'consent.changed', contactId } });
    }
    if (storeTemplateUpdates(scoped, record) > 0) {
      events.push({ workspaceId, event: { type: 'templates.changed' } });
    }
  }
  return { counts, events, media };
}
