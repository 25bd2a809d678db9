import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@flowgento/core';
import { BackupWorld } from './support/backup-world.ts';

let world: BackupWorld | undefined;
afterEach(async () => {
  await world?.cleanup();
  world = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the last snapshot on the Backups screen', () => {
  it('is not shown while its upload fails, and is once its manifest is in the tier', async () => {
    world = new BackupWorld();
    // The tier's folder is a file: every upload to it fails.
    const tierFolder = join(world.dir, 'tier');
    writeFileSync(tierFolder, 'not a folder');
    world.write('a', 10);
    const engine = world.start();
    await sleep(700);
    await engine.flush();

    const failing = engine.status();
    expect(failing.lastError).not.toBeNull();
    expect(failing.lastSnapshotAt).toBeNull();
    expect(failing.generation).toBeNull();

    rmSync(tierFolder);
    await engine.flush();
    const uploaded = engine.status();
    expect(uploaded.lastError).toBeNull();
    expect(uploaded.lastSnapshotAt).not.toBeNull();
    expect(uploaded.generation).not.toBeNull();
  });
});

describe('the log during a backup tier outage', () => {
  it('warns with the reason and provider, and keeps the stack for debug', async () => {
    const lines: { level: number; msg: string; reason?: string; provider?: string }[] =
      [];
    const raw: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          raw.push(line);
          lines.push(JSON.parse(line) as (typeof lines)[number]);
        }
        done();
      },
    });
    world = new BackupWorld();
    writeFileSync(join(world.dir, 'tier'), 'not a folder');
    const engine = world.start({ logger: createLogger({ level: 'debug', destination }) });
    await sleep(700);
    await engine.flush();

    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    const warning = lines.find((l) => l.msg === 'backup upload failed; will retry');
    expect(warning).toMatchObject({ level: 40, provider: 'local' });
    expect(warning?.reason).toBeTruthy();
    // A stack appears only in debug lines.
    for (const [i, line] of raw.entries()) {
      if (line.includes('"stack"')) expect(lines[i]!.level).toBe(20);
    }
  });
});

describe('the backup spool', () => {
  it('keeps no -wal or -shm files of snapshot copies once they are uploaded', async () => {
    world = new BackupWorld();
    const spoolDir = join(world.dataDir, 'backup-spool');
    // One left behind by an earlier version, its snapshot long gone.
    mkdirSync(spoolDir, { recursive: true });
    writeFileSync(join(spoolDir, 'snap-old.db-shm'), '');
    world.write('a', 10);
    const engine = world.start();
    await engine.flush();
    // A checkpoint the engine did not take starts a second generation.
    world.write('b', 10);
    world.db.pragma('wal_checkpoint(TRUNCATE)');
    await sleep(700);
    await engine.flush();

    expect(readdirSync(spoolDir).filter((n) => /-(wal|shm)$/.test(n))).toEqual([]);
  });
});
