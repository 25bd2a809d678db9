import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BACKUP_SCHEDULE, parseObjectName } from '@flowgento/backup';
import { openEncryptedDatabase } from '@flowgento/store';
import { LocalDiskProvider, localFolderFor } from '@flowgento/storage';
import { dataPaths } from '../src/appliance-state.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { runCli } from './cli-run.ts';

const CHILD = resolve(import.meta.dirname, 'backup-child.ts');
let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** Rows of a batch, large enough that a snapshot takes a while to upload. */
function fill(app: TestAppliance, batch: string, rows: number, bytes: number): void {
  const db = app.running.appliance.store.db;
  const insert = db.prepare(
    'INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < rows; i += 1)
      insert.run(
        `${batch}-${i}-${randomUUID()}`,
        randomBytes(bytes).toString('hex'),
        Date.now(),
      );
  })();
}

async function tierKeys(app: TestAppliance): Promise<string[]> {
  const provider = new LocalDiskProvider(localFolderFor(app.config.dataDir, 'backup'));
  const keys: string[] = [];
  for await (const o of provider.list('db/')) keys.push(o.key);
  return keys;
}

/** Starts the appliance with backup in a child and SIGKILLs it mid-upload. */
async function killDuringSnapshotUpload(app: TestAppliance, backupKey: Buffer) {
  const child = spawn(process.execPath, [
    '--import',
    'tsx',
    CHILD,
    app.config.dataDir,
    app.config.keyFile!,
    backupKey.toString('hex'),
  ]);
  let killed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('uploading')) killed = child.kill('SIGKILL');
  });
  await new Promise((done) => child.on('exit', done));
  return killed;
}

const ids = (path: string, key: Buffer) => {
  const db = openEncryptedDatabase({ path, key, mustExist: true, readonly: true });
  try {
    return db.prepare('SELECT id FROM workspaces ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
};

describe('continuous backup across a kill', () => {
  it('completes on the next run after a kill -9 during a snapshot upload, and the restore verifies', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const backupKey = randomBytes(32);
    // Big enough that the upload is still going when the kill lands.
    fill(t, 'big', 160, 256 * 1024);
    await t.stop();

    expect(await killDuringSnapshotUpload(t, backupKey)).toBe(true);
    // The killed run left a snapshot without its manifest: never chosen.
    const afterKill = (await tierKeys(t)).map((k) => parseObjectName(k)!);
    expect(afterKill.filter((n) => n.kind === 'manifest')).toHaveLength(0);

    await t.start({ backup: { key: backupKey, schedule: DEFAULT_BACKUP_SCHEDULE } });
    const engine = t.running.backup!;
    await engine.flush();
    fill(t, 'after', 30, 200);
    await new Promise((done) => setTimeout(done, 600));
    await engine.flush();
    expect(engine.status()).toMatchObject({
      lastError: null,
      pendingSegments: 0,
      lagMs: 0,
    });
    const expected = ids(
      dataPaths(t.config.dataDir).database,
      t.running.appliance.databaseKey,
    );
    const databaseKey = t.running.appliance.databaseKey;
    await t.stop();

    const keyFile = join(t.dir, 'backup.key');
    writeFileSync(keyFile, backupKey.toString('hex'), { mode: 0o600 });
    const into = join(t.dir, 'restored');
    const flags = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
    const restored = await runCli([
      'restore',
      '--to',
      new Date().toISOString(),
      '--into',
      into,
      '--backup-key-file',
      keyFile,
      ...flags,
    ]);
    expect(restored.stderr).toContain('replaying segments');
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('integrity_check: ok');
    expect(restored.stdout).toMatch(/rows: .*workspaces=/);
    expect(ids(join(into, 'flowgento.db'), databaseKey)).toEqual(expected);
  }, 180_000);

  it('swaps the restored database in only when asked, clearing stale -wal and -shm', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const backupKey = randomBytes(32);
    await t.stop();
    await t.start({ backup: { key: backupKey, schedule: DEFAULT_BACKUP_SCHEDULE } });
    fill(t, 'kept', 10, 100);
    await new Promise((done) => setTimeout(done, 600));
    await t.running.backup!.flush();
    const at = new Date().toISOString();
    await new Promise((done) => setTimeout(done, 1100));
    fill(t, 'later', 10, 100);
    await t.running.backup!.flush();
    const databaseKey = t.running.appliance.databaseKey;
    await t.stop();

    const database = dataPaths(t.config.dataDir).database;
    // What a crash leaves: a log and index that belong to the old file.
    writeFileSync(`${database}-wal`, randomBytes(4096));
    writeFileSync(`${database}-shm`, randomBytes(32768));
    const keyFile = join(t.dir, 'backup.key');
    writeFileSync(keyFile, backupKey.toString('hex'), { mode: 0o600 });
    const flags = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
    const outcome = await runCli([
      'restore',
      '--to',
      at,
      '--swap',
      '--backup-key-file',
      keyFile,
      ...flags,
    ]);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('swapped in');
    // The folder the restore was built in is gone with its file.
    expect(readdirSync(t.config.dataDir).filter((n) => n.startsWith('restore-'))).toEqual(
      [],
    );
    // The old file is kept aside, never deleted.
    expect(
      readdirSync(t.config.dataDir).filter(
        (n) =>
          /^flowgento\.db(\.before-restore-[^-]+)?/.test(n) &&
          !n.endsWith('-wal') &&
          !n.endsWith('-shm'),
      ),
    ).toHaveLength(2);
    // Checked before anything opens the file (a reader makes its own -shm).
    expect(existsSync(`${database}-wal`) || existsSync(`${database}-shm`)).toBe(false);
    const rows = ids(database, databaseKey);
    expect(rows.filter((id) => id.startsWith('kept-'))).toHaveLength(10);
    expect(rows.filter((id) => id.startsWith('later-'))).toHaveLength(0);

    // The appliance starts on the restored file, whose log records the restore.
    await t.start();
    const actions = t.running.appliance.store.db
      .prepare("SELECT action FROM audit_log WHERE action LIKE 'backup.%'")
      .pluck()
      .all();
    expect(actions).toContain('backup.restored_to_time');

    // A restore is not tampering: the log verifies against the checkpoints
    // that describe it, and those of the replaced history are kept aside.
    await t.stop();
    const verified = await runCli(['audit', 'verify', ...flags]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(
      readdirSync(t.config.dataDir).some((n) =>
        n.startsWith('audit-checkpoints.jsonl.before-restore-'),
      ),
    ).toBe(true);
  }, 180_000);
});
