import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@flowgento/core';
import { buildStatusWebhook } from '../webhook-builders.ts';
import type { StatusKind } from '../webhook.ts';
import type { AcceptedSend } from './send-request-schema.ts';
import type { SimulatedNumber, StatusDelays } from './types.ts';
import type { WebhookSender } from './webhook-sender.ts';

/** Recipients ending in this fail, so tests and demos can see a failure. */
const UNDELIVERABLE_SUFFIX = '0000';
const UNDELIVERABLE = {
  code: 131026,
  title: 'Message undeliverable',
  details: 'The simulated recipient cannot receive messages',
};

/**
 * Plays out the life of each accepted message as status webhooks. A message's
 * statuses go out strictly in order, each after the previous one was
 * delivered or given up on; different messages do not wait for each other.
 */
export class StatusSchedule {
  readonly #pending = new Set<Promise<void>>();
  readonly #sender: WebhookSender;
  readonly #delays: StatusDelays;
  readonly #signal: AbortSignal;
  readonly #logger: Logger;

  constructor(
    sender: WebhookSender,
    delays: StatusDelays,
    signal: AbortSignal,
    logger: Logger,
  ) {
    this.#sender = sender;
    this.#delays = delays;
    this.#signal = signal;
    this.#logger = logger;
  }

  start(number: SimulatedNumber, waMessageId: string, send: AcceptedSend): void {
    const run = this.#play(number, waMessageId, send).catch((error: unknown) => {
      if (!this.#signal.aborted)
        this.#logger.error({ err: error }, 'status playback failed');
    });
    this.#pending.add(run);
    void run.finally(() => this.#pending.delete(run));
  }

  /** Settles once every playback has ended; call after aborting. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }

  async #play(number: SimulatedNumber, waMessageId: string, send: AcceptedSend) {
    const recipientId = send.to.replace(/^\+/, '');
    const fails = recipientId.endsWith(UNDELIVERABLE_SUFFIX);
    const plan: [StatusKind, number][] = fails
      ? [['failed', this.#delays.sent]]
      : [
          ['sent', this.#delays.sent],
          ['delivered', this.#delays.delivered],
          ['read', this.#delays.read],
        ];
    const startedAt = Date.now();

    for (const [status, offsetMs] of plan) {
      const waitMs = Math.max(0, startedAt + offsetMs - Date.now());
      await sleep(waitMs, undefined, { signal: this.#signal });

      const body = buildStatusWebhook({
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId,
        status,
        recipientId,
        ...(fails
          ? { error: UNDELIVERABLE }
          : { pricingCategory: send.type === 'template' ? 'utility' : 'service' }),
      });
      const delivered = await this.#sender.postWithRetries(number.appSecret, body);
      const fields = { phoneNumberId: number.phoneNumberId, waMessageId, status };
      if (delivered) this.#logger.info(fields, 'simulated status delivered');
      else this.#logger.warn(fields, 'simulated status not accepted by the webhook');
    }
  }
}
