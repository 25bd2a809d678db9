import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '@flowgento/core';
import { dataPaths } from '../src/appliance-state.ts';
import { startTestAppliance, TestClock, type TestAppliance } from './harness.ts';
import { addAgent, OWNER, setupOwner } from './flows.ts';
import { folderFlags, runCli } from './cli-run.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

const actions = (app: TestAppliance) =>
  app.running.appliance.store.db
    .prepare('SELECT action FROM audit_log ORDER BY seq')
    .pluck()
    .all() as string[];

describe('audit retention on a running appliance', () => {
  it('removes entries past a year, keeps the rest verifiable, and says so', async () => {
    const clock = new TestClock();
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' }, { clock });
    const owner = await setupOwner(() => t!.running);
    const old = actions(t).length;
    clock.advance(200 * DAY_MS);
    // Sessions do not last that long: the OWNER signs in again.
    await owner.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    await addAgent(() => t!.running, owner);
    const recent = actions(t).length - old;

    // Nothing is a year old yet.
    expect(t.running.auditKeeper.prune()).toMatchObject({ pruned: 0 });
    clock.advance(200 * DAY_MS);
    expect(t.running.auditKeeper.prune()).toMatchObject({ pruned: old });
    expect(actions(t)).toHaveLength(recent + 1);
    expect(actions(t).at(-1)).toBe('audit.pruned');
    expect(t.logs.text).toContain('audit entries past retention removed');
    await t.stop();

    const verified = await runCli(['audit', 'verify', ...folderFlags(t)]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('were pruned by retention');
    // Checkpoints from before the prune still agree with what is left.
    const checkpoints = readFileSync(dataPaths(t.config.dataDir).auditCheckpoints, 'utf8')
      .trim()
      .split('\n');
    expect(checkpoints.length).toBeGreaterThan(1);
  });

  it('raises the period from the command line, audited, and refuses to go under a year', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    await setupOwner(() => t!.running);
    await t.stop();

    const shorter = await runCli([
      'audit',
      'retention',
      '--months',
      '6',
      ...folderFlags(t),
    ]);
    expect(shorter.code).not.toBe(0);
    expect(shorter.stderr).toContain(
      'Audit retention must be a whole number of months from 12 to 1200',
    );
    expect(shorter.stderr).not.toMatch(/\n\s+at /);

    const longer = await runCli([
      'audit',
      'retention',
      '--months',
      '24',
      ...folderFlags(t),
    ]);
    expect(longer.code).toBe(0);
    expect(longer.stdout).toContain('Audit entries are kept for 24 months');
    const shown = await runCli(['audit', 'retention', ...folderFlags(t)]);
    expect(shown.stdout).toContain('kept for 24 months');

    await t.start();
    expect(actions(t)).toContain('audit.retention_changed');
  });
});
