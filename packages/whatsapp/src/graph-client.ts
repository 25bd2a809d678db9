import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, type Logger } from '@flowgento/core';
import {
  graphFailure,
  malformedReply,
  readGraphError,
  transportFailure,
} from './graph-errors.ts';
import { isTimeout, postBytes } from './http-post.ts';
import { parseServiceUrl } from './loopback.ts';
import {
  templateMessageBody,
  textMessageBody,
  type SendTarget,
  type SendTemplateInput,
  type SendTextInput,
} from './send-request.ts';

export interface GraphClientOptions {
  /** https, or http on a loopback host (the built-in simulator). */
  baseUrl: string;
  /** e.g. 'v23.0' */
  apiVersion: string;
  /** Default 3. */
  maxAttempts?: number;
  /** Default 250. */
  baseDelayMs?: number;
  /** Per attempt; default 10000. */
  timeoutMs?: number;
  logger?: Logger;
  /** Trust for an https base URL signed by a private CA. */
  caCertPem?: string;
}

export interface SendOptions {
  /**
   * Attempts within this call; the outbound queue asks for 1 and does its
   * own, durable, retrying.
   */
  maxAttempts?: number;
}

export interface SentMessage {
  waMessageId: string;
}

const API_VERSION = /^v\d{1,3}\.\d{1,3}$/;

/**
 * Sends messages through the WhatsApp Cloud API (or the simulator).
 *
 * Transient failures are retried with exponential backoff and jitter. Graph
 * has no idempotency key, so a retry after a timeout can, rarely, deliver a
 * message twice; losing it silently would be worse for a support desk.
 */
export class GraphClient {
  readonly #baseUrl: URL;
  readonly #apiVersion: string;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #timeoutMs: number;
  readonly #logger: Logger | undefined;
  readonly #caCertPem: string | undefined;

  constructor(options: GraphClientOptions) {
    const base = parseServiceUrl(options.baseUrl, 'Graph API base URL');
    // A trailing slash makes relative resolution keep any path prefix.
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.#baseUrl = base;

    if (!API_VERSION.test(options.apiVersion)) {
      throw new AppError('CONFIG_INVALID', 'Graph API version must look like v23.0');
    }
    this.#apiVersion = options.apiVersion;
    this.#maxAttempts = positiveInt(options.maxAttempts ?? 3, 'maxAttempts');
    this.#baseDelayMs = Math.max(0, options.baseDelayMs ?? 250);
    this.#timeoutMs = positiveInt(options.timeoutMs ?? 10_000, 'timeoutMs');
    this.#logger = options.logger?.child({ component: 'graph-client' });
    this.#caCertPem = options.caCertPem;
  }

  /** Sends a free-form text; only allowed inside the customer service window. */
  async sendText(input: SendTextInput, options?: SendOptions): Promise<SentMessage> {
    return this.#send(input, textMessageBody(input), options);
  }

  /** Sends an approved template, the only way to write first. */
  async sendTemplate(
    input: SendTemplateInput,
    options?: SendOptions,
  ): Promise<SentMessage> {
    return this.#send(input, templateMessageBody(input), options);
  }

  async #send(
    target: SendTarget,
    message: Record<string, unknown>,
    options: SendOptions = {},
  ): Promise<SentMessage> {
    const maxAttempts = options.maxAttempts ?? this.#maxAttempts;
    const path = `${this.#apiVersion}/${encodeURIComponent(target.phoneNumberId)}/messages`;
    const url = new URL(path, this.#baseUrl);
    const body = JSON.stringify(message);
    const log = { phoneNumberId: target.phoneNumberId, type: message['type'] };

    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#attempt(url, target.accessToken, body);
      } catch (error) {
        const failure = error as AppError;
        const retryable = failure.details?.['retryable'] === true;
        if (!retryable || attempt >= maxAttempts) {
          this.#logger?.warn({ ...log, attempt, reason: failure.reason }, 'send failed');
          throw failure;
        }
        const delayMs = this.#backoff(attempt);
        this.#logger?.warn(
          { ...log, attempt, reason: failure.reason, delayMs },
          'send retry',
        );
        await sleep(delayMs);
      }
    }
  }

  async #attempt(url: URL, accessToken: string, body: string): Promise<SentMessage> {
    let reply: { status: number; body: string };
    try {
      reply = await this.#post(url, accessToken, body);
    } catch (error) {
      throw transportFailure(isTimeout(error) ? 'timeout' : 'network', error);
    }

    let json: unknown = null;
    try {
      json = JSON.parse(reply.body);
    } catch {
      // A proxy's HTML error page; the status code still tells the story.
    }
    if (reply.status < 200 || reply.status >= 300) {
      // Meta echoes request fields in some messages; keep the token out of them.
      const scrub = (text: string): string => text.split(accessToken).join('[redacted]');
      throw graphFailure(reply.status, readGraphError(json), scrub);
    }

    const waMessageId = readMessageId(json);
    if (waMessageId === null) throw malformedReply(reply.status);
    return { waMessageId };
  }

  async #post(url: URL, accessToken: string, body: string) {
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (this.#caCertPem !== undefined && url.protocol === 'https:') {
      const options = { headers, timeoutMs: this.#timeoutMs, caCertPem: this.#caCertPem };
      return postBytes(url, Buffer.from(body), options);
    }

    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      // Graph never redirects; following one could carry the token elsewhere.
      redirect: 'error',
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  }

  /** Exponential, with the upper half jittered so clients do not retry in step. */
  #backoff(attempt: number): number {
    const ceiling = this.#baseDelayMs * 2 ** (attempt - 1);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}

function readMessageId(json: unknown): string | null {
  const messages = (json as { messages?: unknown } | null)?.messages;
  const first: unknown = Array.isArray(messages) ? messages[0] : undefined;
  const id = (first as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id.length > 0 ? id : null;
}

function positiveInt(value: number, field: string): number {
  if (Number.isInteger(value) && value > 0) return value;
  throw new AppError(
    'CONFIG_INVALID',
    `Graph client ${field} must be a positive integer`,
  );
}
