import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '@flowgento/core';
import { postBytes } from '../http-post.ts';
import { signPayload } from '../signature.ts';
import type { WebhookBody } from '../webhook-builders.ts';

const TIMEOUT_MS = 10_000;
const RETRY_DELAYS_MS = [250, 500, 1000];

/**
 * Delivers webhook bodies to the appliance the way Meta does: JSON, signed
 * with the number's app secret over the exact bytes sent.
 */
export class WebhookSender {
  readonly #url: URL;
  readonly #caCertPem: string | undefined;
  readonly #signal: AbortSignal;

  constructor(url: URL, caCertPem: string | undefined, signal: AbortSignal) {
    this.#url = url;
    this.#caCertPem = caCertPem;
    this.#signal = signal;
  }

  /** One attempt; the HTTP status, or UPSTREAM_FAILED when nothing answered. */
  async post(appSecret: string, body: WebhookBody): Promise<number> {
    const bytes = Buffer.from(JSON.stringify(body));
    const headers = {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(appSecret, bytes),
      'user-agent': 'flowgento-cloud-api-simulator',
    };
    try {
      const reply = await postBytes(this.#url, bytes, {
        headers,
        timeoutMs: TIMEOUT_MS,
        signal: this.#signal,
        caCertPem: this.#caCertPem,
      });
      return reply.status;
    } catch (cause) {
      const closed = this.#signal.aborted;
      const message = closed
        ? 'The simulator closed before the webhook answered'
        : 'The webhook URL could not be reached';
      throw new AppError('UPSTREAM_FAILED', message, {
        reason: closed ? 'simulator_closed' : 'webhook_unreachable',
        cause,
      });
    }
  }

  /**
   * Retries on anything but 200, as Meta does, though for seconds rather than
   * days. Resolves false when every attempt failed; rejects only on close.
   */
  async postWithRetries(appSecret: string, body: WebhookBody): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      const status = await this.post(appSecret, body).catch((error: unknown) => {
        if (this.#signal.aborted) throw error;
        return 0;
      });
      if (status === 200) return true;

      const delayMs = RETRY_DELAYS_MS[attempt];
      if (delayMs === undefined) return false;
      await sleep(delayMs, undefined, { signal: this.#signal });
    }
  }
}
