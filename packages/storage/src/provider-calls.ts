import { AppError, isAppError } from '@flowgento/core';
import type { StorageProvider } from './provider.ts';
import type { ProviderHealth, ProviderOperation } from './provider-health.ts';

/**
 * How long a request may go without progress before the provider counts as
 * failed: no answer, or (for a put) no part of the body taken. An 8 MiB part
 * must go up at about 400 KiB/s to stay under it.
 */
export const REQUEST_TIMEOUT_MS = 20_000;

/** A provider of a tier, with the id records and health know it by. */
export interface ProviderTarget {
  /** `local` or a saved provider's id. */
  providerId: string;
  provider: StorageProvider;
  /** The provider's name as the operator gave it (`local disk` for the default). */
  name?: string;
}

export interface CallOptions {
  /** Given up from outside (the appliance stops): aborts, and blames nobody. */
  signal?: AbortSignal;
  /** True when the failure was the caller's (its body's source broke). */
  callerFault?: () => boolean;
}

/**
 * Runs provider requests with a timeout, and tells the health tracker how
 * each went. A request that times out is aborted, so a late answer changes
 * nothing; its failure is `storage_timeout`. Refusals of the caller's input
 * and missing objects say nothing about the provider's health.
 */
export class ProviderCalls {
  constructor(
    readonly health: ProviderHealth,
    readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {}

  async run<T>(
    target: ProviderTarget,
    operation: ProviderOperation,
    work: (signal: AbortSignal, progress: () => void) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    this.health.remember(target.providerId, target.provider);
    const controller = new AbortController();
    const began = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let rejectEarly: (error: unknown) => void = () => undefined;
    const early = new Promise<never>((_, reject) => (rejectEarly = reject));
    const giveUp = (error: AppError) => {
      controller.abort(error);
      rejectEarly(error);
    };
    const progress = () => {
      clearTimeout(timer);
      timer = setTimeout(() => giveUp(timedOut(this.timeoutMs)), this.timeoutMs);
    };
    const stop = () => giveUp(stopped());
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    progress();

    try {
      const working = work(controller.signal, progress);
      // Settled after a timeout, its outcome is no one's business.
      working.catch(() => undefined);
      const result = await Promise.race([working, early]);
      this.health.succeeded(target.providerId, performance.now() - began);
      return result;
    } catch (error) {
      const fault =
        !options.signal?.aborted && !options.callerFault?.() && isProviderFault(error);
      if (fault) {
        this.health.failed(
          target.providerId,
          operation,
          reasonOf(error),
          performance.now() - began,
        );
      }
      // Whatever the provider still does for this request stops now.
      controller.abort();
      throw error;
    } finally {
      // Not aborted on success: a download's body still flows under it.
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
    }
  }
}

/** Whether a failure is the provider's: worth its health, and trying another. */
export function isProviderFault(error: unknown): boolean {
  if (!isAppError(error)) return true;
  return error.code !== 'INVALID_INPUT' && error.code !== 'NOT_FOUND';
}

/**
 * The failure with the provider it came from in `details` (`providerId`,
 * `provider`: its name), so a screen or a log line can say which one failed.
 */
export function naming(error: unknown, target: ProviderTarget): unknown {
  if (!isAppError(error) || error.details?.providerId !== undefined) return error;
  return new AppError(error.code, error.message, {
    reason: error.reason,
    details: {
      ...error.details,
      providerId: target.providerId,
      provider: target.name ?? target.providerId,
    },
    cause: error,
  });
}

export function reasonOf(error: unknown): string {
  return (isAppError(error) && error.reason) || 'storage_failed';
}

function timedOut(ms: number): AppError {
  return new AppError('UPSTREAM_FAILED', 'The storage provider did not answer in time', {
    reason: 'storage_timeout',
    details: { timeoutMs: ms },
  });
}

function stopped(): AppError {
  return new AppError('UPSTREAM_FAILED', 'The storage request was stopped', {
    reason: 'storage_request_stopped',
  });
}
