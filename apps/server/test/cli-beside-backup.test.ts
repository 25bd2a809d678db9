import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderFlags, runCli } from './cli-run.ts';
import { setupOwner } from './flows.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';

/**
 * Commands run while the appliance serves with continuous backup on. Their
 * connection closed with a full checkpoint: the engine found the database
 * file changed behind its back and started a new generation, a snapshot of
 * the whole database, after every `breaches due` a cron job ran.
 */

let t: TestAppliance;
const cli = (args: string[]) => runCli([...args, ...folderFlags(t)], { TZ: 'UTC' });

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'on' });
  await setupOwner(() => t.running);
}, 60_000);
afterAll(() => t.cleanup());

/** The database snapshots in the local backup tier. */
function snapshotsUploaded(): string[] {
  const root = join(t.config.dataDir, 'backup-objects', 'db');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((generation) =>
    readdirSync(join(root, generation, 'snap')).filter((f) => f.endsWith('.db.fgs')),
  );
}

/** Entries the command line wrote to the audit log. */
function cliEntries(): string[] {
  const rows = t.running.appliance.store.db
    .prepare(`SELECT action FROM audit_log WHERE actor_label LIKE 'cli%' ORDER BY seq`)
    .all() as { action: string }[];
  return rows.map((row) => row.action);
}

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the command line beside a running appliance with continuous backup', () => {
  it('reads without writing, and the backup carries on in the same generation', async () => {
    const engine = t.running.backup!;
    await until('the first snapshot is up', () => engine.status().generation !== null);
    await engine.flush();
    const generation = engine.status().generation;
    const snapshots = snapshotsUploaded();
    expect(snapshots).toHaveLength(1);

    // A write first, so that the log holds frames the engine has to ship.
    const logged = await cli([
      'requests',
      'log',
      '--kind',
      'access',
      '--law',
      'GDPR',
      '--requester',
      'Asha by email',
    ]);
    expect(logged.code).toBe(0);
    const written = cliEntries();
    expect(written).toEqual(['request.logged']);

    for (const command of [
      ['breaches', 'due'],
      ['requests', 'list'],
      ['requests', 'due'],
    ]) {
      const run = await cli(command);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    // Reads only: nothing written in the operator's name.
    expect(cliEntries()).toEqual(written);
    // Verifying checks and prints, but writes nothing into the live database.
    const verified = await cli(['audit', 'verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('Audit chain intact');
    expect(verified.stdout).toContain(
      'Not recorded as audit.verified: the appliance is running',
    );
    expect(cliEntries()).toEqual(written);

    await engine.flush();
    const status = engine.status();
    expect(status.lastError).toBeNull();
    expect(status.generation).toBe(generation);
    expect(status.pendingSegments).toBe(0);
    expect(snapshotsUploaded()).toEqual(snapshots);
    expect(t.logs.text).not.toContain('starting a new generation');
  }, 90_000);
});
