import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupStatus } from '@flowgento/backup';
import { openEncryptedDatabase } from '@flowgento/store';
import { FaultProxy } from '../../../packages/storage/test/support/fault-proxy.ts';
import { createBucket, useRgw } from '../../../packages/storage/test/support/rgw.ts';
import { runCli } from './cli-run.ts';
import { setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';

/**
 * Issue #5's promise for continuous backup: the backup tier is a bucket on
 * a real RADOS Gateway behind a fault proxy that answers 503 SlowDown,
 * resets connections and adds latency while the appliance writes. The
 * Backups screen shows the outage, the spool keeps every change, and a
 * restore to the end reproduces the live rows.
 */

const gateway = useRgw();
const BUCKET = 'backup-faults';
let proxy: FaultProxy;
let t: TestAppliance;
let owner: ApiClient;
let work: string;
let databaseKey: Buffer;

/** Every table's rows, digested, as a restore must reproduce them. */
function digests(db: ReturnType<typeof openEncryptedDatabase>): Record<string, string> {
  const tables = db
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    )
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((table) => {
      const rows = db
        .prepare(`SELECT * FROM "${table}"`)
        .all()
        .map((row) =>
          JSON.stringify(row, (_k, v: unknown) =>
            v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
          ),
        )
        .sort();
      return [table, createHash('sha256').update(rows.join('\n')).digest('hex')];
    }),
  );
}

/** Writes a workspace row every 50 ms, as a busy appliance would, until stopped. */
function keepWriting(): { stop(): number } {
  const db = t.running.appliance.store.db;
  const insert = db.prepare(
    'INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)',
  );
  let written = 0;
  const timer = setInterval(() => {
    insert.run(`w-${randomUUID()}`, randomBytes(64).toString('hex'), Date.now());
    written += 1;
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return written;
    },
  };
}

/** The Backups screen's status, as the owner's browser reads it. */
async function screen(): Promise<BackupStatus> {
  const reply = await owner.query<{ running: boolean; status: BackupStatus }>(
    'backup.status',
  );
  expect(reply.running).toBe(true);
  return reply.status;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The table digests of the database restored into `into`. */
function restoredDigests(into: string) {
  const db = openEncryptedDatabase({
    path: join(into, 'flowgento.db'),
    key: databaseKey,
    mustExist: true,
    readonly: true,
  });
  try {
    return digests(db);
  } finally {
    db.close();
  }
}

const restoreTo = (at: string, into: string) =>
  runCli([
    'restore',
    '--to',
    at,
    '--into',
    into,
    '--data-dir',
    t.config.dataDir,
    '--key-file',
    t.config.keyFile!,
  ]);

beforeAll(async () => {
  const server = gateway();
  await createBucket(server, BUCKET);
  proxy = await FaultProxy.start(server.endpoint);
  work = mkdtempSync(join(tmpdir(), 'fg-backup-faults-'));
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  owner = await setupOwner(() => t.running);
  await t.stop();
  // The operator's path: the bucket, reached through the proxy, is the backup tier.
  const folder = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
  const commands = [
    ['storage', 'add-s3', '--name', 'offsite', '--preset', 's3', '--endpoint', proxy.url],
    ['--region', 'us-east-1', '--bucket', BUCKET, '--access-key-id', server.accessKeyId],
  ].flat();
  for (const args of [
    commands,
    ['storage', 'tier', '--tier', 'backup', '--providers', 'offsite'],
  ]) {
    const done = await runCli([...args, ...folder], {
      FLOWGENTO_S3_SECRET_ACCESS_KEY: server.secretAccessKey,
    });
    if (done.code !== 0) throw new Error(done.stderr);
  }
  await t.start({ backup: {} });
}, 120_000);

afterAll(async () => {
  await t?.cleanup();
  await proxy?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('continuous backup through a failing backup tier', () => {
  let at: string;
  let live: Record<string, string>;

  it('shows each outage with its changes waiting, ships them all once the tier answers, and restores the live rows', async () => {
    const engine = t.running.backup!;
    // The appliance writes as it starts, and a turn may cut a segment of
    // what it saw after a flush began: nothing waiting is looked for, not
    // assumed after one flush.
    const before = await until('nothing waits before the outage', async () => {
      await engine.flush();
      const s = await screen();
      return s.pendingSegments === 0 ? s : undefined;
    });
    expect(before).toMatchObject({ lastError: null, pendingSegments: 0 });
    const writer = keepWriting();
    let written = 0;
    try {
      // 503 SlowDown on every request: the SDK's retries run out.
      proxy.set({ kind: 'error', status: 503 });
      const throttled = await until('the screen shows the 503 outage', async () => {
        await engine.flush();
        const s = await screen();
        return s.lastError && s.pendingSegments > 0 ? s : undefined;
      });
      expect(throttled.lastError?.reason).toBe('storage_request_failed');
      // The screen names the provider that failed.
      expect(throttled.lastError?.provider).toBe('offsite');
      expect(throttled.lagMs).toBeGreaterThan(0);

      // Reset connections: the spool only grows.
      proxy.set({ kind: 'reset' });
      const since = Date.now();
      const reset = await until('the screen shows the resets', async () => {
        await engine.flush();
        const s = await screen();
        return s.lastError && s.lastError.at >= since ? s : undefined;
      });
      expect(reset.lastError).toMatchObject({
        reason: 'storage_unreachable',
        provider: 'offsite',
      });
      expect(reset.pendingSegments).toBeGreaterThanOrEqual(throttled.pendingSegments);

      // Slow but answering: everything waiting ships.
      proxy.set({ kind: 'latency', ms: 300 });
      await new Promise((resolve) => setTimeout(resolve, 1200));
    } finally {
      written = writer.stop();
    }
    expect(written).toBeGreaterThan(20);
    // The appliance's own writes (the outage's audit entries) may still be
    // on their way: caught up is no change waiting, not one look.
    const slow = await until('everything waiting has shipped', async () => {
      await engine.flush();
      const s = await screen();
      return s.pendingSegments === 0 && s.lagMs === 0 ? s : undefined;
    });
    expect(slow).toMatchObject({ pendingSegments: 0, lagMs: 0, lastError: null });

    proxy.pass();
    await engine.flush();
    live = digests(t.running.appliance.store.db);
    at = new Date().toISOString();
    databaseKey = Buffer.from(t.running.appliance.databaseKey);
    await t.stop();

    const into = join(work, 'restored');
    const restored = await restoreTo(at, into);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('integrity_check: ok');
    expect(restoredDigests(into)).toEqual(live);
  }, 60_000);

  it('refuses a restore whose downloads arrive corrupted, and restores once they arrive whole', async () => {
    expect(at, 'the restore point the test above set').toBeDefined();
    // Only the objects' bodies: the listing passes, so the restore gets as far as reading them.
    proxy.set(
      { kind: 'corrupt' },
      { method: 'GET', path: new RegExp(`^/${BUCKET}/db/`) },
    );
    const refusedInto = join(work, 'corrupt');
    const refused = await restoreTo(at, refusedInto);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('The stored object is not what was written');
    expect(proxy.faulted).toBeGreaterThan(0);
    expect(existsSync(join(refusedInto, 'flowgento.db'))).toBe(false);

    proxy.pass();
    const into = join(work, 'after-corrupt');
    const restored = await restoreTo(at, into);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('integrity_check: ok');
    expect(restoredDigests(into)).toEqual(live);
  }, 60_000);
});
