import {
  AppError,
  isAppError,
  type Clock,
  type Logger,
  type MetricsCollector,
} from '@flowgento/core';
import {
  dueOutboundJobs,
  nextOutboundDue,
  queuedOutboundCount,
  workspaceScope,
  type OutboundJob,
  type ScopedStore,
  type Store,
  type WhatsAppNumber,
} from '@flowgento/store';
import { plainGraphReason, type GraphClient } from '@flowgento/whatsapp';
import type { LiveEvents } from './events.ts';
import { OPTED_OUT_ERROR } from './account-intake.ts';
import {
  consentRefusal,
  contactOptOutRefusal,
  templateRefusal,
  windowRefusal,
} from './outbound-rules.ts';
import { numberSecretAad, type SecretBox } from './secret-box.ts';

/** What a text job carries besides its message row. */
export interface TextPayload {
  body: string;
}

/** What a template job carries: enough to send it, and to check it again. */
export interface TemplatePayload {
  templateId: string;
  name: string;
  language: string;
  category: string;
  components: unknown[];
}

export type AttemptOutcome =
  | { state: 'sent'; waMessageId: string }
  | { state: 'retrying'; error: AppError; nextAttemptAt: number }
  | { state: 'failed'; error: AppError };

export interface OutboundQueueOptions {
  /** First retry after this long, doubling each time; default 2 s. */
  baseDelayMs?: number;
  /** No wait longer than this; default 5 minutes. */
  maxDelayMs?: number;
  /** Attempts in all, the first included; default 8 (about 4 minutes of retries). */
  maxAttempts?: number;
}

/**
 * Sends what agents wrote, from the durable `outbound_jobs` table. A job is
 * tried once at once (the agent sees the outcome), then, if Graph answered
 * with a 5xx or a rate-limit code, again after an exponential backoff, from
 * a timer; a permanent error fails it at once with a plain reason on the
 * message. Every attempt checks the rules again before any network call.
 * A crash between Graph's answer and the commit sends the message again at
 * the next start: Graph has no idempotency key, and a lost reply is worse.
 */
export class OutboundQueue {
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #maxAttempts: number;
  readonly #inFlight = new Set<string>();
  readonly #attempts = new Set<Promise<AttemptOutcome>>();
  #timer: NodeJS.Timeout | undefined;
  #run: Promise<void> | null = null;
  /** Attempts since start, by how they ended: sent, retrying, failed. */
  readonly #outcomes = { sent: 0, retrying: 0, failed: 0 };
  #stopped = true;

  constructor(
    private readonly store: Store,
    private readonly graphFor: (number: WhatsAppNumber) => GraphClient,
    private readonly secrets: SecretBox,
    private readonly events: LiveEvents,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: OutboundQueueOptions = {},
  ) {
    this.#baseDelayMs = options.baseDelayMs ?? 2000;
    this.#maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
    this.#maxAttempts = options.maxAttempts ?? 8;
  }

  /** Resumes queued jobs (left by a stop or a crash) and keeps going. */
  start(): void {
    this.#stopped = false;
    this.#schedule();
  }

  /** Stops the timer and waits for attempts under way, so none outlives the database. */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#attempts]);
  }

  /** What `/metrics` shows of the queue: its depth, and attempts by outcome. */
  collector(): MetricsCollector {
    return () => [
      {
        name: 'flowgento_outbound_queued',
        help: 'Agent messages waiting for a send attempt (after a transient failure)',
        type: 'gauge',
        samples: [{ value: queuedOutboundCount(this.store) }],
      },
      {
        name: 'flowgento_outbound_attempts_total',
        help: 'Send attempts since start, by outcome',
        type: 'counter',
        samples: Object.entries(this.#outcomes).map(([outcome, value]) => ({
          labels: { outcome },
          value,
        })),
      },
    ];
  }

  /** One attempt of a job just queued, for the agent waiting on the answer. */
  async attemptNow(workspaceId: string, jobId: string): Promise<AttemptOutcome> {
    const job = this.store.in(workspaceScope(workspaceId)).outbound.get(jobId);
    if (!job) throw new AppError('NOT_FOUND', 'The send is no longer queued');
    const outcome = await this.#attempt(job);
    this.#schedule();
    return outcome;
  }

  /**
   * Tries every job due now; the timer calls it, and tests that move the
   * clock. A call while a run is under way joins that run, which reads the
   * due jobs again until none is left.
   */
  runDue(): Promise<void> {
    this.#run ??= this.#drain().finally(() => {
      this.#run = null;
      this.#schedule();
    });
    return this.#run;
  }

  async #drain(): Promise<void> {
    for (;;) {
      const due = dueOutboundJobs(this.store, this.clock.now(), 20).filter(
        (job) => !this.#inFlight.has(job.id),
      );
      if (due.length === 0 || this.#stopped) return;
      for (const job of due) await this.#attempt(job);
    }
  }

  #schedule(): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    const next = nextOutboundDue(this.store);
    if (next === null) return;
    // At least a second apart, at most a minute: a clock a test moved ahead
    // is noticed within the minute.
    const wait = Math.min(Math.max(next - this.clock.now(), 1000), 60_000);
    this.#timer = setTimeout(() => void this.runDue().catch(this.#crashed), wait);
    this.#timer.unref();
  }

  readonly #crashed = (error: unknown): void => {
    this.logger.error({ err: error, reason: 'outbound_queue_crashed' }, 'outbound queue');
  };

  #attempt(job: OutboundJob): Promise<AttemptOutcome> {
    const attempt = this.#attemptOnce(job);
    this.#attempts.add(attempt);
    void attempt.finally(() => this.#attempts.delete(attempt)).catch(() => undefined);
    return attempt;
  }

  async #attemptOnce(job: OutboundJob): Promise<AttemptOutcome> {
    this.#inFlight.add(job.id);
    try {
      const scoped = this.store.in(workspaceScope(job.workspaceId));
      let outcome: AttemptOutcome;
      try {
        const waMessageId = await this.#send(scoped, job);
        outcome = { state: 'sent', waMessageId };
      } catch (error) {
        outcome = this.#failure(job, error);
      }
      this.#record(scoped, job, outcome);
      this.#outcomes[outcome.state] += 1;
      return outcome;
    } finally {
      this.#inFlight.delete(job.id);
    }
  }

  /** Checks the rules as they stand now, then makes one Graph call. */
  async #send(scoped: ScopedStore, job: OutboundJob): Promise<string> {
    const message = scoped.messages.get(job.messageId);
    const conversation = message && scoped.conversations.get(message.conversationId);
    const number = conversation && scoped.numbers.get(conversation.numberId);
    if (!message || !conversation || !number) {
      throw new AppError('NOT_FOUND', 'The conversation of this message is gone', {
        reason: 'conversation_unknown',
      });
    }
    const target = {
      phoneNumberId: number.phoneNumberId,
      accessToken: this.secrets.unwrapText(
        number.accessTokenWrapped,
        numberSecretAad.accessToken(number.id),
      ),
      to: conversation.contact.waId,
    };
    const graph = this.graphFor(number);
    const once = { maxAttempts: 1 };

    const optedOut = contactOptOutRefusal(conversation.contact.optedOutAt);
    if (optedOut) throw optedOut;
    if (job.kind === 'text') {
      const refusal = windowRefusal(conversation.lastInboundAt, this.clock.now());
      if (refusal) throw refusal;
      const payload = JSON.parse(job.payloadJson) as TextPayload;
      return (await graph.sendText({ ...target, body: payload.body }, once)).waMessageId;
    }

    const payload = JSON.parse(job.payloadJson) as TemplatePayload;
    const template = scoped.templates.get(payload.templateId);
    const refusal =
      // The category as Meta now has it: a template can be recategorised.
      consentRefusal(
        scoped,
        conversation.contact.id,
        template?.category ?? payload.category,
      ) ??
      (template
        ? templateRefusal(template, null)
        : new AppError('RULE_REFUSED', 'The template was removed', {
            reason: 'template_not_approved',
          }));
    if (refusal) throw refusal;
    const sent = await graph.sendTemplate(
      {
        ...target,
        name: payload.name,
        languageCode: payload.language,
        components: payload.components,
      },
      once,
    );
    return sent.waMessageId;
  }

  #failure(job: OutboundJob, error: unknown): AttemptOutcome {
    const failure = isAppError(error)
      ? error
      : new AppError('UPSTREAM_FAILED', 'The message could not be sent', {
          cause: error,
        });
    const attempts = job.attempts + 1;
    if (failure.details?.['retryable'] === true && attempts < this.#maxAttempts) {
      const ceiling = Math.min(this.#baseDelayMs * 2 ** (attempts - 1), this.#maxDelayMs);
      // The upper half jittered, so queued sends do not all retry in step.
      const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
      return {
        state: 'retrying',
        error: failure,
        nextAttemptAt: this.clock.now() + delay,
      };
    }
    return { state: 'failed', error: failure };
  }

  #record(scoped: ScopedStore, job: OutboundJob, outcome: AttemptOutcome): void {
    const message = scoped.messages.get(job.messageId);
    const conversationId = message?.conversationId;
    this.store.transaction(() => {
      if (outcome.state === 'sent') {
        scoped.messages.markAccepted(job.messageId, outcome.waMessageId);
        scoped.outbound.finish(job.id, 'done', null);
        return;
      }
      const { code, text } = plainReason(outcome.error);
      const reason = outcome.error.reason ?? 'send_failed';
      if (outcome.state === 'retrying') {
        scoped.messages.markRetrying(job.messageId, code, text);
        scoped.outbound.retryAt(job.id, outcome.nextAttemptAt, reason);
        return;
      }
      scoped.messages.markFailed(job.messageId, code, text);
      scoped.outbound.finish(job.id, 'failed', reason);
      const contactId =
        conversationId && scoped.conversations.get(conversationId)?.contact.id;
      if (code === OPTED_OUT_ERROR && contactId) {
        scoped.consent.record({
          contactId,
          purpose: 'marketing',
          state: 'opted_out',
          source: 'opted_out_error',
          numberId: null,
          detail: String(OPTED_OUT_ERROR),
          occurredAt: this.clock.now(),
        });
      }
    });

    const fields = { jobId: job.id, attempt: job.attempts + 1, state: outcome.state };
    if (outcome.state === 'sent') this.logger.info(fields, 'outbound message sent');
    else this.logger.warn({ ...fields, reason: outcome.error.reason }, 'outbound send');

    const status = scoped.messages.get(job.messageId)?.status;
    if (conversationId && status) {
      this.events.publish(job.workspaceId, {
        type: 'message.status',
        conversationId,
        messageId: job.messageId,
        status,
      });
    }
  }
}

/** The Meta code and the words shown under the message in the conversation. */
function plainReason(error: AppError): { code: number | null; text: string } {
  const raw = error.details?.['metaCode'];
  const code = typeof raw === 'number' ? raw : null;
  const text = (code !== null ? plainGraphReason(code) : null) ?? error.message;
  return { code, text };
}
