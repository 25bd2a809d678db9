import { storeConsentKeyword, storeOptedOutStatus } from './account-intake.ts';
import { effectiveKeywords } from './consent-keywords.ts';
import type { FieldChange } from './intake-fields.ts';
import { maskJson, maskNumbers } from './number-masking.ts';

/** Where malformed elements of a `messages` value are kept (`webhook_events.field`). */
export const INVALID_ELEMENT_FIELD = 'messages.invalid';

/**
 * The `messages` field: each message once (by wamid) with its contact and
 * conversation, statuses kept and applied forward only, and the errors Meta
 * reported for the number, each once.
 */
export function storeMessagesChange({ store, scoped, record, write }: FieldChange): void {
  const { workspaceId } = record;
  // Minimisation happens here, before anything is written (issue #8, part 8).
  const privacy = scoped.privacy.get();
  const masking = {
    cards: privacy.maskCardNumbers,
    identities: privacy.maskIdentityNumbers,
  };
  const mask = (text: string) => maskNumbers(text, masking);
  const maskRaw = (json: string) => maskJson(json, masking, privacy.dropProfileNames);
  const names = new Map(
    record.contacts.map((c) => [c.waId, privacy.dropProfileNames ? null : c.profileName]),
  );
  // A timestamp from the future would hold the 24-hour window open (and pin
  // the conversation on top): no message counts as later than its arrival.
  const now = store.clock.now();
  let keywords: ReturnType<typeof effectiveKeywords> | undefined;
  const keywordsOnce = () => (keywords ??= effectiveKeywords(scoped.consent.keywords()));

  for (const message of record.messages) {
    if (scoped.messages.exists(message.waMessageId)) continue;
    const contactId = scoped.contacts.upsert(
      message.from,
      names.get(message.from) ?? null,
    );
    if (message.newWaId !== null) {
      // The customer moved: their new number's contact points back to this one.
      const newContactId = scoped.contacts.upsert(
        message.newWaId,
        names.get(message.newWaId) ?? null,
      );
      scoped.contacts.linkPreviousNumber(newContactId, contactId);
    }
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
      body: message.text === null ? null : mask(message.text),
      rawJson: maskRaw(message.rawJson),
      replyToWaMessageId: message.contextMessageId,
      occurredAt,
      contentJson: maskRaw(message.contentJson),
    });
    if (!messageId) continue;
    write.counts.messages += 1;
    const consentMoved =
      message.type === 'text' &&
      storeConsentKeyword(
        scoped,
        { contactId, numberId: record.numberId, text: message.text, occurredAt },
        keywordsOnce,
      );
    if (consentMoved) {
      write.events.push({ workspaceId, event: { type: 'consent.changed', contactId } });
    }
    if (message.media && privacy.droppedMedia.includes(message.media.kind)) {
      // Never fetched: the workspace does not keep this kind of file.
      scoped.media.insertDropped({
        messageId,
        numberId: record.numberId,
        waMediaId: message.media.mediaId,
        kind: message.media.kind,
      });
    } else if (message.media) {
      const mediaId = scoped.media.insertPending({
        messageId,
        numberId: record.numberId,
        waMediaId: message.media.mediaId,
        kind: message.media.kind,
        filename: message.media.filename,
        mimeType: message.media.mimeType,
      });
      write.media.push({ workspaceId, mediaId });
    }
    write.events.push({
      workspaceId,
      event: { type: 'message.created', conversationId, messageId },
    });
  }

  for (const status of record.statuses) {
    // Kept even when the message is not known yet: it is applied once the
    // send is accepted (`markAccepted`), whichever comes first.
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
    write.counts.statuses += 1;
    const optedOut = storeOptedOutStatus(scoped, record.numberId, status, now);
    if (optedOut) {
      write.events.push({
        workspaceId,
        event: { type: 'consent.changed', contactId: optedOut },
      });
    }
    const message = messageId ? scoped.messages.get(messageId) : undefined;
    if (message) {
      write.events.push({
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
    if (scoped.numbers.recordWebhookError(record.numberId, error)) {
      write.counts.errors += 1;
    }
  }

  // Malformed elements are kept raw with their issue, so none is lost and an
  // operator can see what Meta sent; the valid ones above are stored anyway.
  for (const invalidJson of record.invalidJson ?? []) {
    scoped.webhookEvents.keep(
      record.numberId,
      INVALID_ELEMENT_FIELD,
      maskRaw(invalidJson),
    );
  }

  // Set only when the value held more than the rows above keep.
  if (record.rawValueJson !== null) {
    scoped.webhookEvents.keep(
      record.numberId,
      record.field,
      maskRaw(record.rawValueJson),
    );
  }
}
