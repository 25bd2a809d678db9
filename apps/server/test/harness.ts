import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { BackupStatusSource } from '@flowgento/backup';
import { createLogger, type Clock, type Logger } from '@flowgento/core';
import { loadConfig, type ApplianceConfig } from '../src/config.ts';
import {
  startAppliance,
  type RunningAppliance,
  type StartOptions,
} from '../src/server.ts';
import './reused-rsa-keys.ts';

/** Every log line of a test appliance, to assert on (and to grep for secrets). */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/**
 * Real time plus whatever a test has skipped ahead, without sleeping. Frozen,
 * it stands still between `advance` calls, for assertions on exact waits.
 */
export class TestClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;
  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    if (this.frozenAt === undefined) this.offsetMs += ms;
    else this.frozenAt += ms;
  }
  freeze(): void {
    this.frozenAt = this.now();
  }
}

export interface TestAppliance {
  running: RunningAppliance;
  config: ApplianceConfig;
  dir: string;
  logs: LogCapture;
  restart(): Promise<void>;
  /** Stops the appliance and leaves it stopped (e.g. to run a key command). */
  stop(): Promise<void>;
  /** Starts it again after `stop`, with the same configuration and log capture. */
  start(options?: Partial<Omit<StartOptions, 'logger'>>): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startTestAppliance(
  env: Record<string, string> = {},
  options: { passphrase?: string; clock?: Clock; backupStatus?: BackupStatusSource } = {},
): Promise<TestAppliance> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-server-'));
  const config = loadConfig({
    env: {
      FLOWGENTO_DATA_DIR: join(dir, 'data'),
      FLOWGENTO_KEY_FILE: join(dir, 'keys', 'root.key'),
      FLOWGENTO_PORT: '0',
      FLOWGENTO_HTTP_PORT: 'off',
      FLOWGENTO_HOST: '127.0.0.1',
      // Continuous backup writes its own audit entries and snapshots in the
      // background; tests of backups turn it on (FLOWGENTO_BACKUP: 'on').
      FLOWGENTO_BACKUP: 'off',
      ...env,
    },
  });
  const logs = new LogCapture();
  const logger: Logger = createLogger({ level: 'debug', destination: logs });
  let stopped = false;
  const harness: TestAppliance = {
    running: await startAppliance(config, {
      logger,
      passphrase: options.passphrase,
      clock: options.clock,
      backupStatus: options.backupStatus,
    }),
    config,
    dir,
    logs,
    async restart() {
      await harness.stop();
      await harness.start();
    },
    async stop() {
      if (!stopped) await harness.running.close();
      stopped = true;
    },
    async start(more = {}) {
      harness.running = await startAppliance(config, {
        logger,
        passphrase: options.passphrase,
        clock: options.clock,
        backupStatus: options.backupStatus,
        ...more,
      });
      stopped = false;
    },
    async cleanup() {
      await harness.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request to the test appliance, trusting only its own CA. */
export function httpsRequest(
  app: RunningAppliance,
  method: string,
  path: string,
  options: {
    body?: string | Buffer;
    headers?: Record<string, string>;
    minVersion?: 'TLSv1.2';
  } = {},
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${app.url}${path}`,
      { method, headers: options.headers, ca: app.tls.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A browser-like tRPC caller: keeps the session cookie and sends the CSRF header. */
export class ApiClient {
  cookie: string | undefined;
  /** The `X-Request-Id` of the last reply: audit entries of that call carry it. */
  lastRequestId: string | undefined;
  constructor(
    private readonly app: () => RunningAppliance,
    private readonly userAgent = 'flowgento-test/1.0',
  ) {}

  async query<T = unknown>(path: string, input?: unknown): Promise<T> {
    const qs =
      input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    return this.handle<T>(
      await httpsRequest(this.app(), 'GET', `/trpc/${path}${qs}`, {
        headers: this.headers(),
      }),
    );
  }

  async mutate<T = unknown>(path: string, input?: unknown): Promise<T> {
    const reply = await httpsRequest(this.app(), 'POST', `/trpc/${path}`, {
      body: JSON.stringify(input ?? null),
      headers: {
        ...this.headers(),
        'content-type': 'application/json',
        'x-flowgento-request': '1',
      },
    });
    return this.handle<T>(reply);
  }

  private headers(): Record<string, string> {
    return {
      'user-agent': this.userAgent,
      ...(this.cookie ? { cookie: this.cookie } : {}),
    };
  }

  private handle<T>(reply: HttpsReply): T {
    const requestId = reply.headers['x-request-id'];
    this.lastRequestId = typeof requestId === 'string' ? requestId : undefined;
    const setCookie = reply.headers['set-cookie'];
    for (const line of Array.isArray(setCookie) ? setCookie : []) {
      const pair = line.split(';')[0] ?? '';
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const json = JSON.parse(reply.body) as {
      result?: { data: T };
      error?: {
        message: string;
        data: {
          code: string;
          httpStatus: number;
          reason: string | null;
          field?: string | null;
        };
      };
    };
    if (json.error)
      throw new ApiError(
        json.error.message,
        json.error.data.code,
        reply.status,
        json.error.data.reason,
        json.error.data.field ?? null,
      );
    return json.result!.data;
  }
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly reason: string | null,
    /** The refused input's path, as the error formatter names it for forms. */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export async function expectApiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

/** Rows per table of the appliance's database: what a refused call must leave as it was. */
export function tableRowCounts(running: RunningAppliance): Record<string, number> {
  const db = running.appliance.store.db;
  const tables = tableNames(running);
  return Object.fromEntries(
    tables.map((table) => [
      table,
      db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number,
    ]),
  );
}

/**
 * A digest of every table's rows, to tell whether anything changed. A
 * session's `last_seen_at` moves on every call and is left out; `skip` leaves
 * out whole tables (the audit log, when a test counts its entries itself).
 */
export function tableDigests(
  running: RunningAppliance,
  skip: readonly string[] = [],
): Record<string, string> {
  const db = running.appliance.store.db;
  const tables = tableNames(running);
  const digests: Record<string, string> = {};
  for (const table of tables.filter((name) => !skip.includes(name))) {
    const rows = (
      db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]
    )
      .map(({ last_seen_at: moving, ...kept }) =>
        JSON.stringify(
          table === 'sessions' ? kept : { ...kept, last_seen_at: moving },
          bufferAsHex,
        ),
      )
      .sort();
    digests[table] = createHash('sha256').update(rows.join('\n')).digest('hex');
  }
  return digests;
}

function bufferAsHex(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value;
}

/** Every table of the appliance's schema (SQLite's own left out). */
function tableNames(running: RunningAppliance): string[] {
  return running.appliance.store.db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    )
    .pluck()
    .all() as string[];
}
