import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LocalDiskProvider,
  type ObjectBody,
  type PutOptions,
  type StoredObject,
  type UnhashedObject,
  type UnhashedPutOptions,
} from '@flowgento/storage';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bodyChunks } from '../../storage/src/checksum.ts';
import type { BackupEvent } from '../src/chain/engine.ts';
import { parseObjectName } from '../src/chain/object-names.ts';
import { SPOOL_FOLDER, Spool } from '../src/chain/spool.ts';
import type { SnapshotManifest } from '../src/chain/snapshot-manifest.ts';
import { BackupWorld, sleep, workspaceIds } from './support/backup-world.ts';

/**
 * A snapshot is uploaded from the database file itself while checkpoints
 * wait, with no copy on the way: these check that what lands is the file
 * as it was at the snapshot's point whatever the writers do meanwhile, and
 * that a slow or failed upload gets its copy in the spool.
 */
let world: BackupWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

/**
 * A local folder whose snapshot uploads stop after their first pieces
 * until `open()`, or fail there once when `failNext` is set.
 */
class HeldProvider extends LocalDiskProvider {
  failNext = false;
  private gate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => undefined;
  held = false;

  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  open(): void {
    this.openGate();
  }

  override put(
    key: string,
    body: ObjectBody,
    options: UnhashedPutOptions,
  ): Promise<UnhashedObject>;
  override put(
    key: string,
    body: ObjectBody,
    options?: PutOptions,
  ): Promise<StoredObject>;
  override put(
    key: string,
    body: ObjectBody,
    options: PutOptions | UnhashedPutOptions = {},
  ): Promise<StoredObject | UnhashedObject> {
    if (parseObjectName(key)?.kind !== 'snapshot') {
      return super.put(key, body, options as PutOptions);
    }
    const fail = this.failNext;
    this.failNext = false;
    const held = async function* (this: HeldProvider) {
      let pieces = 0;
      for await (const chunk of bodyChunks(body)) {
        yield chunk;
        pieces += 1;
        if (pieces === 4) {
          if (fail) throw new Error('the provider dropped the connection');
          this.held = true;
          await this.gate;
        }
      }
    }.call(this);
    return super.put(key, held, options as PutOptions);
  }
}

/** The held provider first in the backup tier; alone with `only` (no failover). */
function heldWorld(only = false) {
  const dir = mkdtempSync(join(tmpdir(), 'fg-held-'));
  const provider = new HeldProvider(dir);
  const built = new BackupWorld([{ id: 'held', provider }], { localTier: !only });
  const cleanup = built.cleanup.bind(built);
  built.cleanup = async () => {
    provider.open();
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  };
  return { world: built, provider };
}

function snapshots(events: BackupEvent[]): SnapshotManifest[] {
  return events.flatMap((e) => (e.type === 'snapshot.completed' ? [e.manifest] : []));
}

const spoolNames = (w: BackupWorld) => readdirSync(join(w.dataDir, SPOOL_FOLDER));

/**
 * The snapshot in the tier restores exactly `expected` at its own time, and
 * nothing of it stays in the spool: no copy, no link to the database.
 */
async function expectSnapshotOf(
  w: BackupWorld,
  events: BackupEvent[],
  expected: string[],
) {
  const [manifest] = snapshots(events);
  expect(manifest!.rowCounts.workspaces).toBe(expected.length);
  const report = await w.restore(manifest!.atMs);
  w.readRestored(report.path, (db) => expect(workspaceIds(db)).toEqual(expected));
  expect(spoolNames(w).filter((n) => n.startsWith('snap-'))).toEqual([]);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 10_000) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

describe('a snapshot read from the database file', () => {
  it('is the file as it was at its point, though rows are written during the upload', async () => {
    const held = heldWorld();
    world = held.world;
    world.write('before', 3000);
    const expected = workspaceIds(world.db);
    held.provider.hold();
    const events: BackupEvent[] = [];
    const engine = world.start({ onEvent: (e) => events.push(e) });
    await until(() => held.provider.held, 'the upload is under way');
    // Writers go on; the engine may not checkpoint them into the file.
    world.write('during', 500);
    expect(engine.checkpointNow()).toBe(false);
    held.provider.open();
    await engine.flush();
    await expectSnapshotOf(world, events, expected);
  });

  it('gets a copy when the upload is slow, and checkpoints go on while it finishes', async () => {
    const held = heldWorld();
    world = held.world;
    world.write('before', 8000);
    const expected = workspaceIds(world.db);
    held.provider.hold();
    const events: BackupEvent[] = [];
    const engine = world.start({
      onEvent: (e) => events.push(e),
      copySnapshotAfterMs: 200,
    });
    await until(() => held.provider.held, 'the upload is under way');
    await until(
      () => spoolNames(world!).some((n) => /^snap-.*\.db$/.test(n)),
      'the snapshot is copied into the spool',
    );
    // The file is let go: new rows are checkpointed into it mid-upload.
    world.write('after', 3000);
    await until(() => engine.checkpointNow(), 'a checkpoint runs');
    held.provider.open();
    await engine.flush();
    await expectSnapshotOf(world, events, expected);
  });

  it('leaves a copy in the spool when the upload fails, which the next pass sends', async () => {
    const held = heldWorld(true);
    world = held.world;
    world.write('before', 3000);
    const expected = workspaceIds(world.db);
    held.provider.failNext = true;
    const events: BackupEvent[] = [];
    const engine = world.start({ onEvent: (e) => events.push(e) });
    await until(() => events.length > 0, 'the upload fails');
    expect(events[0]).toMatchObject({ type: 'snapshot.failed' });
    expect(spoolNames(world).filter((n) => /^snap-.*\.db$/.test(n))).toHaveLength(1);
    // The file is let go (once its check is done), not when a retry succeeds.
    world.write('after', 100);
    await until(() => engine.checkpointNow(), 'checkpoints resume');
    expect(snapshots(events)).toEqual([]);

    await engine.flush();
    await expectSnapshotOf(world, events, expected);
  });
});

describe('a snapshot that can be neither uploaded nor kept', () => {
  it('is reported, and a new generation starts with a new snapshot', async () => {
    const held = heldWorld(true);
    world = held.world;
    world.write('before', 3000);
    held.provider.failNext = true;
    // The disk is full when the failed upload's copy is made.
    const full = vi
      .spyOn(Spool.prototype, 'syncPartial')
      .mockRejectedValueOnce(
        Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }),
      );
    const events: BackupEvent[] = [];
    const engine = world.start({ onEvent: (e) => events.push(e) });
    try {
      await until(() => events.length > 0, 'the snapshot fails');
    } finally {
      full.mockRestore();
    }
    expect(events[0]).toMatchObject({
      type: 'snapshot.failed',
      reason: 'backup_snapshot_lost',
      // Why the copy failed, so the operator knows what to free.
      message: expect.stringContaining('(ENOSPC)'),
    });
    // No copy was kept (its check may still be reading through the link).
    expect(spoolNames(world).filter((n) => /^snap-.*\.db$/.test(n))).toEqual([]);

    world.write('after', 10);
    // Once the old check has let the file go, the next turn begins the new
    // generation; a flush sends its snapshot without waiting for the backoff.
    await until(() => {
      void engine.flush();
      return snapshots(events).length > 0;
    }, 'the snapshot of the new generation is up');
    await engine.flush();
    const [manifest] = snapshots(events);
    const report = await world.restore(Date.now());
    expect(report.manifest.generation).toBe(manifest!.generation);
    world.readRestored(report.path, (db) =>
      expect(workspaceIds(db)).toEqual(workspaceIds(world!.db)),
    );
  });
});

describe('the spool at start', () => {
  it('removes a check link and partial copies a crash left, with their side files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-spool-'));
    try {
      const snap = `snap-1764000000000-0a1b2c3d-0-1764000000000-${'0'.repeat(64)}.db`;
      for (const name of [
        `${snap}.check`,
        `${snap}.check-wal`,
        `${snap}.check-shm`,
        `${snap}.partial`,
        `${snap}.partial-wal`,
        snap,
      ]) {
        writeFileSync(join(dir, name), 'x');
      }
      new Spool(dir);
      expect(readdirSync(dir)).toEqual([snap]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
