import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { encryptStream, newStreamKey } from '@flowgento/crypto';
import { isAppError, type Clock, type Logger } from '@flowgento/core';
import type { TierStore } from '@flowgento/storage';
import { workspaceScope, type Store, type WhatsAppNumber } from '@flowgento/store';
import type { GraphMediaClient } from '@flowgento/whatsapp';
import type { LiveEvents } from './events.ts';
import type { QueuedMedia } from './intake-records.ts';
import { mediaAad, mediaObjectKey } from './media-aad.ts';
import { removeMediaObjects } from './media-objects.ts';
import { numberSecretAad, type SecretBox } from './secret-box.ts';

export interface MediaFetcherOptions {
  store: Store;
  tiers: TierStore;
  secrets: SecretBox;
  /** The simulator's client for simulated numbers, Meta's for the rest. */
  graphFor(number: WhatsAppNumber): GraphMediaClient;
  events: LiveEvents;
  clock: Clock;
  logger: Logger;
  /** Where sealed files wait for their tier: ciphertext only, never plaintext. */
  spoolDir: string;
  /** Default 6. */
  maxAttempts?: number;
  /** Default 2000; doubled per attempt, jittered, at most ten minutes. */
  baseDelayMs?: number;
  /** Downloads at once; default 2 (the machine also serves the inbox). */
  concurrency?: number;
}

const MAX_DELAY_MS = 10 * 60_000;

/**
 * Fetches inbound media in the background, off the webhook path: media id
 * → short-lived URL → bytes (checked for size and Meta's SHA-256) → sealed
 * under a fresh key → spooled as ciphertext → written to the workspace's
 * `media-hot` tier. The row is the queue: pending rows are picked up again
 * at start, a transient failure is retried later, a permanent one is kept
 * with its reason for the agent to see.
 *
 * Deleting a conversation removes its files' sealed objects too
 * (`media-objects.ts`), and a fetch that finishes after that removes its own.
 */
export class MediaFetcher {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #ready: QueuedMedia[] = [];
  readonly #running = new Set<Promise<void>>();
  readonly #lifetime = new AbortController();
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #concurrency: number;

  constructor(private readonly options: MediaFetcherOptions) {
    this.#maxAttempts = options.maxAttempts ?? 6;
    this.#baseDelayMs = options.baseDelayMs ?? 2000;
    this.#concurrency = options.concurrency ?? 2;
    mkdirSync(options.spoolDir, { recursive: true, mode: 0o700 });
  }

  /** Starts on files intake just committed. */
  queue(media: readonly QueuedMedia[]): void {
    for (const job of media) this.#schedule(job, 0);
  }

  /** Picks up every pending file, each at its next attempt time; returns how many. */
  resume(): number {
    const now = this.options.clock.now();
    const pending = this.options.store.mediaQueue.pending();
    for (const job of pending) this.#schedule(job, Math.max(0, job.nextAttemptAt - now));
    return pending.length;
  }

  /** Stops fetching; files in flight stay pending and resume at the next start. */
  async close(): Promise<void> {
    this.#lifetime.abort();
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#ready.length = 0;
    await Promise.allSettled([...this.#running]);
  }

  #schedule(job: QueuedMedia, delayMs: number): void {
    if (this.#lifetime.signal.aborted || this.#timers.has(job.mediaId)) return;
    const timer = setTimeout(() => {
      this.#timers.delete(job.mediaId);
      this.#ready.push(job);
      this.#pump();
    }, delayMs);
    timer.unref();
    this.#timers.set(job.mediaId, timer);
  }

  #pump(): void {
    while (this.#running.size < this.#concurrency && this.#ready.length > 0) {
      const job = this.#ready.shift()!;
      const run = this.#attempt(job).catch((error: unknown) =>
        this.options.logger.error(
          { err: error, mediaId: job.mediaId },
          'media fetch crashed',
        ),
      );
      this.#running.add(run);
      void run.finally(() => {
        this.#running.delete(run);
        this.#pump();
      });
    }
  }

  async #attempt(job: QueuedMedia): Promise<void> {
    const { store, logger } = this.options;
    // The row was written by intake after a signature proved its workspace.
    const scoped = store.in(workspaceScope(job.workspaceId));
    const media = scoped.media.get(job.mediaId);
    if (media?.state !== 'pending') return;
    const number = scoped.numbers.get(media.numberId);
    const log = { mediaId: media.id, kind: media.kind, attempt: media.attempts + 1 };

    try {
      if (!number) throw Object.assign(new Error('number gone'), { permanent: true });
      const stored = await this.#fetchAndStore(job, media.waMediaId, media.kind, number);
      if (!scoped.media.markStored(media.id, stored)) {
        // Its conversation was deleted while the file was on its way.
        const objects = { tiers: this.options.tiers, logger };
        await removeMediaObjects(objects, scoped.scope, [stored.objectKey]);
        return;
      }
      logger.info(
        { ...log, size: stored.size, providerId: stored.providerId },
        'media stored',
      );
    } catch (error) {
      if (this.#lifetime.signal.aborted) return;
      const reason =
        (isAppError(error) ? error.reason : undefined) ?? 'media_fetch_error';
      const permanent =
        (isAppError(error) && error.details?.['retryable'] === false) ||
        (error as { permanent?: boolean }).permanent === true;
      if (permanent || media.attempts + 1 >= this.#maxAttempts) {
        scoped.media.markFailed(media.id, permanent ? reason : `gave_up_${reason}`);
        logger.warn({ ...log, reason }, 'media fetch failed for good');
      } else {
        const delayMs = this.#backoff(media.attempts + 1);
        scoped.media.markRetry(media.id, this.options.clock.now() + delayMs, reason);
        logger.warn({ ...log, reason, delayMs }, 'media fetch will be retried');
        this.#schedule(job, delayMs);
        return;
      }
    }
    const message = scoped.messages.get(media.messageId);
    if (message) {
      this.options.events.publish(job.workspaceId, {
        type: 'message.media',
        conversationId: message.conversationId,
        messageId: message.id,
      });
    }
  }

  async #fetchAndStore(
    job: QueuedMedia,
    waMediaId: string,
    kind: Parameters<GraphMediaClient['download']>[1],
    number: WhatsAppNumber,
  ) {
    const { secrets, tiers } = this.options;
    const signal = this.#lifetime.signal;
    const token = secrets.unwrapText(
      number.accessTokenWrapped,
      numberSecretAad.accessToken(number.id),
    );
    const graph = this.options.graphFor(number);
    const info = await graph.lookup(waMediaId, token, signal);
    const download = await graph.download(info, kind, token, signal);

    const key = newStreamKey();
    const spool = join(
      this.options.spoolDir,
      `${randomBytes(12).toString('hex')}.sealed`,
    );
    try {
      // Sealed before it touches the disk; the tier write starts only once
      // the whole download checked out, and can be replayed on failover.
      await pipeline(
        download,
        encryptStream(key, { aad: mediaAad.object(job.workspaceId, job.mediaId) }),
        createWriteStream(spool, { flags: 'wx', mode: 0o600 }),
        { signal },
      );
      const objectKey = mediaObjectKey(job.workspaceId, job.mediaId);
      const scope = workspaceScope(job.workspaceId);
      const put = await tiers.put(scope, 'media-hot', objectKey, () =>
        createReadStream(spool),
      );
      return {
        mimeType: info.mimeType,
        size: info.fileSize,
        objectKey,
        providerId: put.providerId,
        sealedSize: put.size,
        sealedSha256: put.sha256,
        keyWrapped: secrets.wrap(
          this.options.store
            .in(scope)
            .media.sealFileKey(job.mediaId, key.toString('base64')),
          mediaAad.key(job.mediaId),
        ),
      };
    } finally {
      key.fill(0);
      await rm(spool, { force: true });
    }
  }

  /** Exponential, the upper half jittered, so retries of a burst spread out. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(MAX_DELAY_MS, this.#baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
