import { AppError, type Logger } from '@flowgento/core';
import { workspaceScope, type Store, type WhatsAppNumber } from '@flowgento/store';
import {
  matchSignature,
  parseWebhook,
  type WebhookBatch,
} from '@flowgento/whatsapp';
import { CommitBatcher } from './commit-batcher.ts';
import type { LiveEvent, LiveEvents } from './events.ts';
import { numberSecretAad, type SecretBox } from './secret-box.ts';

interface SigningApp {
  appSecret: string;
  /** phone_number_id → number, for the numbers registered under this secret. */
  numbers: Map<string, WhatsAppNumber>;
}

export interface IntakeResult {
  stored: { messages: number; statuses: number; errors: number };
  ignored: number;
}

type Published = { workspaceId: string; event: LiveEvent }[];

/**
 * Turns a webhook request into stored rows. The signature is checked on the
 * raw bytes before anything is parsed; a payload is trusted only for numbers
 * registered under the app secret that signed it; the promise settles after
 * the commit, so the HTTP layer acknowledges only what is on disk.
 */
export class WebhookIntake {
  private apps: SigningApp[] = [];
  private readonly batcher: CommitBatcher;

  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
    private readonly events: LiveEvents,
    private readonly logger: Logger,
  ) {
    this.batcher = new CommitBatcher(store);
    this.refresh();
  }

  /** Reloads the app secrets; called after WhatsApp settings change. */
  refresh(): void {
    const bySecret = new Map<string, SigningApp>();
    for (const number of this.store.routing.allNumbers()) {
      const appSecret = this.secrets.unwrapText(
        number.appSecretWrapped,
        numberSecretAad.appSecret(number.id),
      );
      const app = bySecret.get(appSecret) ?? { appSecret, numbers: new Map() };
      app.numbers.set(number.phoneNumberId, number);
      bySecret.set(appSecret, app);
    }
    this.apps = [...bySecret.values()];
  }

  async receive(rawBody: Buffer, signatureHeader: string | undefined): Promise<IntakeResult> {
    const index = matchSignature(
      signatureHeader,
      rawBody,
      this.apps.map((app) => app.appSecret),
    );
    const app = this.apps[index];
    if (!app) {
      throw new AppError('UNAUTHENTICATED', 'Webhook signature is missing or does not match', {
        reason: 'webhook_signature_rejected',
      });
    }

    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new AppError('INVALID_INPUT', 'Webhook body is not valid JSON', {
        reason: 'webhook_malformed_json',
      });
    }
    const parsed = parseWebhook(json);
    if (!parsed.ok) {
      throw new AppError('INVALID_INPUT', `Webhook payload rejected: ${parsed.issue}`, {
        reason: 'webhook_invalid_payload',
      });
    }

    const routed: { number: WhatsAppNumber; batch: WebhookBatch }[] = [];
    let ignored = 0;
    for (const batch of parsed.batches) {
      const number = app.numbers.get(batch.phoneNumberId);
      if (number) routed.push({ number, batch });
      else ignored += 1;
    }
    if (ignored > 0) {
      this.logger.warn(
        { reason: 'webhook_unknown_number', ignored },
        'webhook named a number not registered under the signing app; ignored',
      );
    }

    const published: Published = [];
    const stored = await this.batcher.submit(() => {
      published.length = 0;
      const counts = { messages: 0, statuses: 0, errors: 0 };
      for (const { number, batch } of routed) this.storeBatch(number, batch, counts, published);
      return counts;
    });
    for (const { workspaceId, event } of published) this.events.publish(workspaceId, event);
    return { stored, ignored };
  }

  private storeBatch(
    number: WhatsAppNumber,
    batch: WebhookBatch,
    counts: IntakeResult['stored'],
    published: Published,
  ): void {
    const workspaceId = number.workspaceId;
    const scoped = this.store.in(workspaceScope(workspaceId));
    const names = new Map(batch.contacts.map((c) => [c.waId, c.profileName]));

    for (const message of batch.messages) {
      if (scoped.messages.exists(message.waMessageId)) continue;
      const contactId = scoped.contacts.upsert(message.from, names.get(message.from) ?? null);
      const conversationId = scoped.conversations.touchInbound(
        number.id,
        contactId,
        message.timestampMs,
      );
      const messageId = scoped.messages.insertInbound({
        conversationId,
        waMessageId: message.waMessageId,
        type: message.type,
        body: message.text,
        rawJson: JSON.stringify(message.raw),
        replyToWaMessageId: message.contextMessageId,
        occurredAt: message.timestampMs,
      });
      if (!messageId) continue;
      counts.messages += 1;
      published.push({ workspaceId, event: { type: 'message.created', conversationId, messageId } });
    }

    for (const status of batch.statuses) {
      const messageId = scoped.messages.applyStatus({
        waMessageId: status.waMessageId,
        status: status.status,
        occurredAt: status.timestampMs,
        recipientId: status.recipientId,
        errorCode: status.errorCode,
        errorTitle: status.errorTitle,
        rawJson: JSON.stringify(status.raw),
      });
      counts.statuses += 1;
      const message = messageId ? scoped.messages.get(messageId) : undefined;
      if (message) {
        published.push({
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

    for (const error of batch.errors) {
      scoped.numbers.recordWebhookError(number.id, {
        code: error.code,
        title: error.title,
        message: error.message,
        rawJson: JSON.stringify(error.raw),
      });
      counts.errors += 1;
    }
  }
}
