import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKUP_CHECKPOINT_FILE, openEncryptedDatabase, type Db } from '@flowgento/store';
import { dataPaths } from '../src/appliance-state.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { addAgent, setupOwner } from './flows.ts';
import { folderFlags, runCli } from './cli-run.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/**
 * An appliance with a few real entries (setup, sign-ins, an invite), stopped:
 * stopping writes a checkpoint of where the chain ends.
 */
async function stoppedApplianceWithEntries() {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  const owner = await setupOwner(() => t!.running);
  await addAgent(() => t!.running, owner);
  const key = Buffer.from(t.running.appliance.databaseKey);
  const seqs = t.running.appliance.store.db
    .prepare('SELECT seq FROM audit_log ORDER BY seq')
    .pluck()
    .all() as number[];
  await t.stop();
  return { app: t, key, seqs };
}

/** Someone with the database key, going round the append-only triggers. */
function tamper(app: TestAppliance, key: Buffer, edit: (db: Db) => void) {
  const db = openEncryptedDatabase({
    path: dataPaths(app.config.dataDir).database,
    key,
    mustExist: true,
  });
  db.exec(
    'DROP TRIGGER audit_log_refuses_update; DROP TRIGGER audit_log_refuses_delete;',
  );
  edit(db);
  db.close();
}

describe('flowgento audit verify', () => {
  it('reports an untouched log intact, matched against the checkpoint taken at shutdown', async () => {
    const { app, seqs } = await stoppedApplianceWithEntries();
    const checkpoints = readFileSync(
      dataPaths(app.config.dataDir).auditCheckpoints,
      'utf8',
    )
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { headSeq: number });
    expect(checkpoints.at(-1)?.headSeq).toBe(seqs.at(-1));

    const intact = await runCli(['audit', 'verify', ...folderFlags(app)]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(
      new RegExp(
        `Audit chain intact: ${seqs.length} entries up to #${seqs.at(-1)}, newest hash [0-9a-f]{64}; [1-9]\\d* checkpoints? matched`,
      ),
    );
  });

  it('names an entry edited in the raw database file', async () => {
    const { app, key, seqs } = await stoppedApplianceWithEntries();
    const victim = seqs[1]!;
    tamper(app, key, (db) =>
      db
        .prepare(`UPDATE audit_log SET actor_label = 'someone else' WHERE seq = ?`)
        .run(victim),
    );
    const broken = await runCli(['audit', 'verify', ...folderFlags(app)]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      `Audit chain BROKEN at entry #${victim}: its content no longer matches its hash. The 1 entry before it is intact.`,
    );
  });

  it('names an entry deleted from the middle', async () => {
    const { app, key, seqs } = await stoppedApplianceWithEntries();
    const victim = seqs[1]!;
    expect(seqs.length).toBeGreaterThan(2);
    tamper(app, key, (db) =>
      db.prepare('DELETE FROM audit_log WHERE seq = ?').run(victim),
    );
    const broken = await runCli(['audit', 'verify', ...folderFlags(app)]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      `Audit chain BROKEN at entry #${victim}: entry #${victim} is missing (deleted from the middle of the log).`,
    );
  });

  it('names the newest two entries when they are deleted, even with the counter wound back', async () => {
    const { app, key, seqs } = await stoppedApplianceWithEntries();
    const [secondLast, last] = seqs.slice(-2) as [number, number];
    tamper(app, key, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq >= ?').run(secondLast);
      db.prepare(`UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'`).run(
        secondLast - 1,
      );
    });
    const broken = await runCli(['audit', 'verify', ...folderFlags(app)]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      `Audit chain BROKEN at entry #${secondLast}: the newest entries #${secondLast}–#${last} are missing (a checkpoint taken`,
    );
  });

  it('checks a backup against the checkpoint kept beside it, and a restore carries on from it', async () => {
    const { app, seqs } = await stoppedApplianceWithEntries();
    // A check before the backup counted the original folder's checkpoints.
    expect((await runCli(['audit', 'verify', ...folderFlags(app)])).code).toBe(0);
    const backup = await runCli([
      'backup',
      '--to',
      join(app.dir, 'backups'),
      ...folderFlags(app),
    ]);
    expect(backup.code).toBe(0);
    const backupDir = /Backup written to (.+)/.exec(backup.stdout)![1]!.trim();
    const beside = JSON.parse(
      readFileSync(join(backupDir, BACKUP_CHECKPOINT_FILE), 'utf8'),
    ) as { headSeq: number; headHash: string };
    expect(beside.headSeq).toBe(seqs.at(-1)! + 1);

    const restoredDir = join(app.dir, 'restored');
    const restore = await runCli([
      'restore',
      '--from',
      backupDir,
      '--data-dir',
      restoredDir,
      '--key-file',
      app.running.appliance.keyFilePath!,
    ]);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`Audit chain intact: ${seqs.length + 1} entries`);
    expect(existsSync(dataPaths(restoredDir).auditCheckpoints)).toBe(true);

    const verified = await runCli([
      'audit',
      'verify',
      '--data-dir',
      restoredDir,
      '--key-file',
      app.running.appliance.keyFilePath!,
      '--checkpoint',
      join(backupDir, BACKUP_CHECKPOINT_FILE),
    ]);
    expect(verified.code).toBe(0);
    // The restore wrote one entry saying so; the restored folder's own,
    // shorter checkpoint file is not taken for removed checkpoints.
    expect(verified.stdout).toContain(`Audit chain intact: ${seqs.length + 2} entries`);
  });

  it('refuses a checkpoint file that is not there, and takes a backup folder for its checkpoint', async () => {
    const { app } = await stoppedApplianceWithEntries();
    const missing = await runCli([
      'audit',
      'verify',
      ...folderFlags(app),
      '--checkpoint',
      join(app.dir, 'no-such-file.json'),
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('No checkpoint file at');
    expect(missing.stdout).not.toContain('intact');

    const backup = await runCli([
      'backup',
      '--to',
      join(app.dir, 'b'),
      ...folderFlags(app),
    ]);
    const backupDir = /Backup written to (.+)/.exec(backup.stdout)![1]!.trim();
    const folder = await runCli([
      'audit',
      'verify',
      ...folderFlags(app),
      '--checkpoint',
      backupDir,
    ]);
    expect(folder.code).toBe(0);
    expect(folder.stdout).toContain('Audit chain intact');
  });

  it('notices checkpoints removed since the last check, and says so instead of starting afresh', async () => {
    const { app } = await stoppedApplianceWithEntries();
    expect((await runCli(['audit', 'verify', ...folderFlags(app)])).code).toBe(0);
    rmSync(dataPaths(app.config.dataDir).auditCheckpoints);
    const after = await runCli(['audit', 'verify', ...folderFlags(app)]);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(
      /The checkpoint file holds 0 lines, fewer than the \d+ the last check found: checkpoints were removed/,
    );
    // No fresh checkpoint papers over it: the next check still complains.
    expect((await runCli(['audit', 'verify', ...folderFlags(app)])).code).toBe(1);
  });

  it('explains itself', async () => {
    const help = await runCli(['audit', 'verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: flowgento audit verify');
  });
});
