import { Worker } from 'node:worker_threads';
import { AppError, type Logger } from '@flowgento/core';
import type { IntakeRecord, IntakeWrite } from './intake-records.ts';
import type { IntakeWriter } from './intake-writer.ts';
import type {
  FromWorker,
  IntakeStats,
  ToWorker,
  WorkerSetup,
} from './intake-worker-protocol.ts';

interface Pending {
  resolve: (result: IntakeWrite) => void;
  reject: (error: unknown) => void;
}

const WORKER_ENTRY = new URL('./intake-worker.mjs', import.meta.url);

/**
 * Commits webhook records on a worker thread with its own connection. If the
 * thread dies, writes in flight fail (Meta retries them) and a new thread
 * takes over.
 */
export class WorkerIntakeWriter implements IntakeWriter {
  private worker!: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  /** Commit grouping of the last thread, known once it has closed. */
  lastStats: IntakeStats | null = null;
  /** Called when the thread made a contact key (the vault changed). */
  onVaultChange: () => void = () => undefined;

  private constructor(
    private readonly setup: WorkerSetup,
    private readonly logger: Logger,
  ) {}

  static async start(setup: WorkerSetup, logger: Logger): Promise<WorkerIntakeWriter> {
    const writer = new WorkerIntakeWriter(setup, logger);
    await writer.spawn();
    return writer;
  }

  write(records: IntakeRecord[]): Promise<IntakeWrite> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'write', id, records } satisfies ToWorker);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) =>
      this.worker.once('exit', () => resolve()),
    );
    this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    await closed;
  }

  private spawn(): Promise<void> {
    const worker = new Worker(WORKER_ENTRY, { workerData: this.setup });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        switch (message.type) {
          case 'ready':
            return resolve();
          case 'unusable':
            return reject(
              new AppError(
                'INTERNAL',
                `Intake writer could not open the database: ${message.message}`,
              ),
            );
          case 'written':
            return this.settle(message.id)?.resolve(message.result);
          case 'failed':
            return this.settle(message.id)?.reject(
              new AppError(message.code, message.message),
            );
          case 'closed':
            this.lastStats = message.stats;
            return undefined;
          case 'vault-changed':
            return this.onVaultChange();
        }
      });
      worker.on('error', (error) => {
        this.logger.error({ err: error }, 'intake writer thread failed');
        reject(error);
      });
      worker.on('exit', (code) => this.onExit(code));
    });
  }

  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    return entry;
  }

  private onExit(code: number): void {
    for (const entry of this.pending.values()) {
      entry.reject(
        new AppError('INTERNAL', 'The intake writer stopped before committing'),
      );
    }
    this.pending.clear();
    if (this.closing) return;
    this.logger.error(
      { exitCode: code },
      'intake writer thread exited; starting a new one',
    );
    this.spawn().catch((error: unknown) =>
      this.logger.error({ err: error }, 'intake writer restart failed'),
    );
  }
}
