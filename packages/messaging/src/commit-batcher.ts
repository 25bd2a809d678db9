import { performance } from 'node:perf_hooks';
import type { Store } from '@flowgento/store';

interface Job<T> {
  work: () => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups concurrent writes into one transaction, so that many webhooks in
 * flight share one fsync. A caller's promise settles only after the commit
 * that holds its write (or after its own savepoint rolled back).
 */
export class CommitBatcher {
  private queue: Job<unknown>[] = [];
  private scheduled = false;
  /** How writes were grouped, for the operator's log and the benchmark. */
  readonly stats = { commits: 0, writes: 0, busyMs: 0 };

  constructor(
    private readonly store: Store,
    private readonly maxBatch = 512,
  ) {}

  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Job<unknown>);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what is queued now, instead of at the next turn (before closing). */
  drain(): void {
    this.flush();
  }

  private flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.commit(batch);
    }
  }

  /**
   * The whole batch in one transaction. If any write throws, that transaction
   * is rolled back and each write runs again in a transaction of its own, so a
   * bad write fails alone and the others still commit (savepoints per write
   * would cost every write, not only the rare failure).
   */
  private commit(batch: Job<unknown>[]): void {
    const began = performance.now();
    this.stats.commits += 1;
    this.stats.writes += batch.length;
    let values: unknown[];
    try {
      values = this.store.transaction(() => batch.map((job) => job.work()));
    } catch {
      for (const job of batch) this.commitAlone(job);
      return;
    } finally {
      this.stats.busyMs += performance.now() - began;
    }
    batch.forEach((job, index) => job.resolve(values[index]));
  }

  private commitAlone(job: Job<unknown>): void {
    try {
      job.resolve(this.store.transaction(job.work));
    } catch (error) {
      job.reject(error);
    }
  }
}
