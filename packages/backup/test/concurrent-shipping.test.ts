import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@flowgento/store';
import { parseS3Settings, S3StorageProvider } from '@flowgento/storage';
import { createBucket, useRgw } from '../../storage/test/support/rgw.ts';
import { BackupWorld, sleep } from './support/backup-world.ts';

const WRITER = resolve(import.meta.dirname, 'support/writer-child.ts');
const gateway = useRgw();
let s3: S3StorageProvider;
let world: BackupWorld | undefined;

beforeAll(async () => {
  const server = gateway();
  await createBucket(server, 'flowgento-backups');
  s3 = new S3StorageProvider(
    parseS3Settings({
      preset: 's3-compatible',
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket: 'flowgento-backups',
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    }),
  );
});
afterAll(() => s3?.destroy());
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

/** Runs the writer child for `ms`; resolves with how many rows it wrote. */
function writeFromAnotherProcess(w: BackupWorld, batch: string, ms: number) {
  const child = spawn(process.execPath, [
    '--import',
    'tsx',
    WRITER,
    w.databasePath,
    w.databaseKey.toString('hex'),
    batch,
    String(ms),
  ]);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise<number>((done, fail) =>
    child.on('exit', (code) =>
      code === 0 ? done(Number(out.trim())) : fail(new Error(`writer exited ${code}`)),
    ),
  );
}

const allRows = (db: Db) =>
  db.prepare('SELECT id, name, created_at FROM workspaces ORDER BY id').all();

describe('shipping while other connections write', () => {
  it('loses no row written by another process during shipping and checkpoints', async () => {
    world = new BackupWorld([{ id: 'rgw', provider: s3 }]);
    world.write('seed', 50);
    const engine = world.start();
    await engine.flush();
    const generation = engine.status().generation;
    expect(generation).not.toBeNull();
    const other = writeFromAnotherProcess(world, 'child', 3000);
    // This connection writes too, in between, as the appliance's main thread does.
    for (let i = 0; i < 20; i += 1) {
      world.write(`main${i}`, 5);
      await sleep(100);
    }
    const childRows = await other;
    expect(childRows).toBeGreaterThan(100);
    await sleep(300);
    await engine.flush();
    expect(engine.status().pendingSegments).toBe(0);
    // One unbroken chain: every WAL restart in between was accounted for.
    expect(engine.status().generation).toBe(generation);

    // Every object went to the gateway, the first provider of the tier.
    const onGateway: string[] = [];
    for await (const o of s3.list('db/')) onGateway.push(o.key);
    expect(onGateway.some((k) => k.includes('/seg/'))).toBe(true);

    const report = await world.restore(Date.now());
    world.readRestored(report.path, (restored) => {
      const live = allRows(world!.db);
      expect(live).toHaveLength(50 + 100 + childRows);
      expect(allRows(restored)).toEqual(live);
    });
  }, 120_000);
});
