import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptBytes, sealedSize } from '@flowgento/crypto';
import { parseS3Settings, S3StorageProvider } from '@flowgento/storage';
import { createBucket, useRgw } from '../../storage/test/support/rgw.ts';
import {
  manifestKey,
  parseObjectName,
  sealContext,
  snapshotKey,
  type SnapshotManifest,
} from '../src/index.ts';
import { openManifest, sealManifest } from '../src/chain/snapshot-manifest.ts';
import { SNAPSHOT_CHUNK_BYTES, uploadSnapshot } from '../src/chain/snapshot-upload.ts';
import { sha256Of } from '../src/wal/segment.ts';
import { BackupWorld, KEY_SETUP, workspaceIds } from './support/backup-world.ts';

/**
 * Snapshot objects carry no whole-object SHA-256 since 2026-12: their
 * sealing alone (each chunk authenticated with its index, a last-chunk flag
 * and the snapshot's name and time) must refuse any object that is not the
 * one uploaded, on the real gateway, before anything is restored.
 */
const gateway = useRgw();
let s3: S3StorageProvider;
let world: BackupWorld | undefined;
let bucket = 0;

afterEach(async () => {
  s3?.destroy();
  await world?.cleanup();
  world = undefined;
});

/** A world whose backup tier is a fresh bucket on the gateway. */
async function worldOnGateway(): Promise<BackupWorld> {
  const server = gateway();
  bucket += 1;
  const name = `fg-tamper-${bucket}`;
  await createBucket(server, name);
  s3 = new S3StorageProvider(
    parseS3Settings({
      preset: 's3-compatible',
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket: name,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    }),
  );
  return new BackupWorld([{ id: 'rgw', provider: s3 }]);
}

/** Uploads one snapshot of the world's rows as the engine does; its object's key. */
async function snapshotOf(w: BackupWorld, at: { generation: string; atMs: number }) {
  const path = join(w.dir, `spooled-${at.atMs}.db`);
  copyFileSync(w.databasePath, path);
  const spooled = {
    kind: 'snapshot' as const,
    ...at,
    baseSequence: 0,
    chainSha256: '0'.repeat(64),
    path,
  };
  const manifest = await uploadSnapshot({
    spooled,
    tier: w.tier,
    backupKey: w.backupKey,
    databaseKey: w.databaseKey,
    installationId: w.installationId,
    keySetup: KEY_SETUP,
  });
  return { key: snapshotKey({ ...at, baseSequence: 0 }), manifest };
}

async function read(key: string): Promise<Buffer> {
  const info = await s3.head(key);
  const chunks: Buffer[] = [];
  for await (const chunk of await s3.get(key, { size: info!.size, sha256: null }))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const replace = (key: string, bytes: Buffer) => s3.put(key, bytes, { digest: 'none' });

async function refusedRestore(w: BackupWorld) {
  const into = join(w.dir, 'restored');
  const error: unknown = await w.restore(Date.now(), into).then(
    () => new Error('expected the restore to fail'),
    (failure: unknown) => failure,
  );
  // Nothing restored: no database, no partial file, no side files.
  expect(existsSync(into) ? readdirSync(into) : []).toEqual([]);
  return error;
}

/** Rows enough for a few sealed chunks, all in the database file. */
function prepared(w: BackupWorld) {
  w.db.transaction(() => w.write('rows', 6000))();
  w.db.pragma('wal_checkpoint(TRUNCATE)');
  return { generation: `${Date.now()}-0badc0de`, atMs: Date.now() - 60_000 };
}

describe('a snapshot object that is not the one uploaded', () => {
  it('restores the untouched snapshot, with no hash in its manifest', async () => {
    world = await worldOnGateway();
    const { manifest } = await snapshotOf(world, prepared(world));
    expect(manifest.sealed.sha256).toBeUndefined();

    const report = await world.restore(Date.now());
    world.readRestored(report.path, (restored) => {
      expect(workspaceIds(restored)).toEqual(workspaceIds(world!.db));
    });
  });

  it('is refused with one byte flipped', async () => {
    world = await worldOnGateway();
    const { key } = await snapshotOf(world, prepared(world));
    const bytes = await read(key);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    await replace(key, bytes);

    expect(await refusedRestore(world)).toMatchObject({
      code: 'PRECONDITION_FAILED',
      reason: 'backup_snapshot_damaged',
      cause: expect.objectContaining({ reason: 'sealed_stream_invalid' }),
    });
  });

  it('is refused cut short, at a chunk boundary or not', async () => {
    world = await worldOnGateway();
    const at = prepared(world);
    const { key } = await snapshotOf(world, at);
    const bytes = await read(key);
    expect(bytes.length).toBeGreaterThan(SNAPSHOT_CHUNK_BYTES);

    await replace(key, bytes.subarray(0, bytes.length - 100));
    expect(await refusedRestore(world)).toMatchObject({
      reason: 'backup_snapshot_damaged',
    });

    // Whole chunks only, and a manifest saying that size: the last-chunk
    // flag still tells that the end is missing.
    const header = sealedSize(0, SNAPSHOT_CHUNK_BYTES) - 16;
    const cut = bytes.subarray(0, header + SNAPSHOT_CHUNK_BYTES + 16);
    await replace(key, cut);
    await rewriteManifest(world, at, (m) => ({ ...m, sealed: { size: cut.length } }));
    expect(await refusedRestore(world)).toMatchObject({
      reason: 'backup_snapshot_damaged',
      cause: expect.objectContaining({ reason: 'sealed_stream_invalid' }),
    });
  });

  it("is refused swapped for another snapshot's object of the same rows", async () => {
    world = await worldOnGateway();
    const at = prepared(world);
    // Two snapshots at the same point of the chain, of the same file: only
    // their time tells them apart.
    const older = await snapshotOf(world, at);
    const newer = await snapshotOf(world, { ...at, atMs: at.atMs + 1000 });
    expect(newer.manifest.sealed.size).toBe(older.manifest.sealed.size);
    await replace(newer.key, await read(older.key));

    expect(await refusedRestore(world)).toMatchObject({
      reason: 'backup_snapshot_damaged',
      cause: expect.objectContaining({ reason: 'sealed_stream_invalid' }),
    });
  });
});

describe('a snapshot uploaded before 2026-12, with its SHA-256', () => {
  it('still restores, and still has that hash checked', async () => {
    world = await worldOnGateway();
    const at = prepared(world);
    const { manifest } = await snapshotOf(world, at);
    // As older versions wrote it: sealed without the time in its aad, the
    // sealed object's SHA-256 in the manifest.
    const plain = readFileSync(join(world.dir, `spooled-${at.atMs}.db`));
    const sealed = encryptBytes(world.backupKey, plain, {
      aad: sealContext(world.installationId, at.generation, 'snapshot/0'),
      chunkBytes: SNAPSHOT_CHUNK_BYTES,
    });
    const stored = await s3.put(snapshotKey({ ...at, baseSequence: 0 }), sealed);
    await rewriteManifest(world, at, () => ({
      ...manifest,
      sealed: { size: stored.size, sha256: stored.sha256 },
    }));
    const report = await world.restore(Date.now());
    world.readRestored(report.path, (restored) => {
      expect(workspaceIds(restored)).toEqual(workspaceIds(world!.db));
    });

    // Intact bytes that are not the ones its manifest's hash names.
    await rewriteManifest(world, at, () => ({
      ...manifest,
      sealed: { size: stored.size, sha256: 'f'.repeat(64) },
    }));
    expect(await refusedRestore(world)).toMatchObject({
      reason: 'backup_snapshot_damaged',
      cause: expect.objectContaining({ reason: 'checksum_mismatch' }),
    });
  });
});

/** Replaces the snapshot's manifest with `change(manifest)`, sealed as the engine seals it. */
async function rewriteManifest(
  w: BackupWorld,
  at: { generation: string; atMs: number },
  change: (manifest: SnapshotManifest) => SnapshotManifest,
) {
  const where = { installationId: w.installationId, ...at, baseSequence: 0 };
  const old: string[] = [];
  for await (const o of s3.list('db/')) {
    const name = parseObjectName(o.key);
    if (name?.kind === 'manifest' && name.atMs === at.atMs) old.push(o.key);
  }
  const current = openManifest(w.backupKey, await read(old[0]!), where);
  const sealed = sealManifest(w.backupKey, change(current));
  for (const key of old) await s3.delete(key);
  await s3.put(manifestKey({ ...at, baseSequence: 0, sha256: sha256Of(sealed) }), sealed);
}
