import { afterEach, describe, expect, it } from 'vitest';
import { openEncryptedDatabase } from '@flowgento/store';
import { dataPaths } from '../src/appliance-state.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { addAgent, setupOwner } from './flows.ts';
import { runCli } from './cli-run.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const folderFlags = (app: TestAppliance) => [
  '--data-dir',
  app.config.dataDir,
  '--key-file',
  app.running.appliance.keyFilePath!,
];

describe('flowgento audit verify', () => {
  it('reports an untouched log intact, and names the first entry someone edited', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const owner = await setupOwner(() => t!.running);
    await addAgent(() => t!.running, owner);
    const key = Buffer.from(t.running.appliance.databaseKey);
    const entries = t.running.appliance.store.db
      .prepare('SELECT seq FROM audit_log ORDER BY seq')
      .pluck()
      .all() as number[];
    await t.stop();

    const intact = await runCli(['audit', 'verify', ...folderFlags(t)]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(
      new RegExp(
        `Audit chain intact: ${entries.length} entries, newest hash [0-9a-f]{64}`,
      ),
    );

    // Someone with the database key, bypassing the append-only triggers.
    const db = openEncryptedDatabase({
      path: dataPaths(t.config.dataDir).database,
      key,
      mustExist: true,
    });
    const victim = entries[1]!;
    db.exec('DROP TRIGGER audit_log_refuses_update');
    db.prepare(`UPDATE audit_log SET actor_label = 'someone else' WHERE seq = ?`).run(
      victim,
    );
    db.close();

    const broken = await runCli(['audit', 'verify', ...folderFlags(t)]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`BROKEN at entry #${victim}`);
    expect(broken.stdout).toContain('content no longer matches');
    expect(broken.stdout).toContain('The 1 entry before it is intact');
  });

  it('explains itself', async () => {
    const help = await runCli(['audit', 'verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: flowgento audit verify');
  });
});
