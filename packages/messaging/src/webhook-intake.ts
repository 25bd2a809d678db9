import { AppError, type Logger } from '@flowgento/core';
import type { Store, WhatsAppNumber } from '@flowgento/store';
import {
  MAX_WEBHOOK_DEPTH,
  matchSignature,
  nestsDeeperThan,
  parseWebhook,
  type WebhookBatch,
} from '@flowgento/whatsapp';
import type { LiveEvents } from './events.ts';
import {
  toIntakeRecord,
  type IntakeCounts,
  type IntakeRecord,
  type QueuedMedia,
} from './intake-records.ts';
import { ACCOUNT_FIELD_READERS } from './account-intake.ts';
import type { IntakeWriter } from './intake-writer.ts';
import { numberSecretAad, type SecretBox } from './secret-box.ts';

interface SigningApp {
  appSecret: string;
  /** phone_number_id → number, for the numbers registered under this secret. */
  numbers: Map<string, WhatsAppNumber>;
}

export interface IntakeResult {
  stored: IntakeCounts;
  ignored: number;
}

/**
 * Turns a webhook request into stored rows. The signature is checked on the
 * raw bytes before anything is parsed; a payload is trusted only for numbers
 * registered under the app secret that signed it; the promise settles after
 * the writer's commit, so the HTTP layer acknowledges only what is on disk.
 */
export class WebhookIntake {
  private apps: SigningApp[] = [];
  /** The apps' secrets in the same order, built once per refresh, not per request. */
  private appSecrets: string[] = [];

  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
    private readonly events: LiveEvents,
    private readonly writer: IntakeWriter,
    private readonly logger: Logger,
    /** Told of new media rows once committed; must not wait on the fetch. */
    private readonly mediaQueued: (media: QueuedMedia[]) => void = () => undefined,
  ) {
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
    this.appSecrets = this.apps.map((app) => app.appSecret);
  }

  async receive(
    rawBody: Buffer,
    signatureHeader: string | undefined,
  ): Promise<IntakeResult> {
    const index = matchSignature(signatureHeader, rawBody, this.appSecrets);
    const app = this.apps[index];
    if (!app) {
      throw new AppError(
        'UNAUTHENTICATED',
        'Webhook signature is missing or does not match',
        {
          reason: 'webhook_signature_rejected',
        },
      );
    }

    // Before any parsing: a body nested tens of thousands of levels deep
    // would overflow the stack of whatever walks it later.
    if (nestsDeeperThan(rawBody, MAX_WEBHOOK_DEPTH)) {
      throw new AppError(
        'INVALID_INPUT',
        `Webhook body nests deeper than ${MAX_WEBHOOK_DEPTH} levels`,
        { reason: 'webhook_too_deep' },
      );
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

    const records: IntakeRecord[] = [];
    let ignored = 0;
    const invalid = parsed.batches.flatMap((batch) => batch.invalid.map((i) => i.issue));
    if (invalid.length > 0) {
      // Issues name paths and problems only, never a value (numbers, text).
      this.logger.warn(
        { reason: 'webhook_invalid_element', issues: invalid.slice(0, 10) },
        'webhook elements without the documented shape; kept raw, the rest stored',
      );
    }
    for (const batch of parsed.batches) {
      const reader = ACCOUNT_FIELD_READERS.get(batch.field);
      if (reader) {
        records.push(...reader(batch, [...app.numbers.values()]));
        continue;
      }
      const number = numberFor(app, batch);
      if (number) records.push(toIntakeRecord(number.workspaceId, number.id, batch));
      else ignored += 1;
    }
    if (ignored > 0) {
      this.logger.warn(
        { reason: 'webhook_unknown_number', ignored },
        'webhook named a number not registered under the signing app; ignored',
      );
    }

    if (records.length === 0)
      return { stored: { messages: 0, statuses: 0, errors: 0 }, ignored };
    const { counts: stored, events, media } = await this.writer.write(records);
    for (const { workspaceId, event } of events) this.events.publish(workspaceId, event);
    // The rows are committed, so a crash from here on loses no file: the
    // fetcher resumes pending rows at start. Meta's ack does not wait for it.
    if (media.length > 0) this.mediaQueued(media);
    return { stored, ignored };
  }
}

/**
 * The number a change is for. Fields sent per business account rather than
 * per number (template status updates, account reviews) carry no
 * phone_number_id: they go to the first of the signing app's numbers in
 * that account (`entry[].id`).
 */
function numberFor(app: SigningApp, batch: WebhookBatch): WhatsAppNumber | undefined {
  const number = app.numbers.get(batch.phoneNumberId);
  if (number || batch.kind === 'messages' || batch.accountId === '') return number;
  for (const candidate of app.numbers.values()) {
    if (candidate.businessAccountId === batch.accountId) return candidate;
  }
  return undefined;
}
