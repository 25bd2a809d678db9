import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';

/**
 * Stopping an appliance while continuous backup ships. The vault closed
 * before the engine's last upload pass, whose vault barrier then failed
 * with "The database connection is not open" (a stack trace in the log)
 * and left the last segment in the spool.
 */

let t: TestAppliance | undefined;
afterEach(() => t?.cleanup());

interface LogLine {
  level: number;
  msg: string;
}

const lines = (app: TestAppliance) =>
  app.logs.lines.map((line) => JSON.parse(line) as LogLine);

const spooled = (app: TestAppliance) =>
  readdirSync(join(app.config.dataDir, 'backup-spool')).filter((n) =>
    n.startsWith('seg+'),
  );

/** The segments of a generation in the local backup tier. */
function segmentsInTier(app: TestAppliance, generation: string): string[] {
  const folder = join(app.config.dataDir, 'backup-objects', 'db', generation, 'seg');
  return existsSync(folder) ? readdirSync(folder) : [];
}

async function applianceWithContacts(): Promise<TestAppliance> {
  const app = await startTestAppliance({
    FLOWGENTO_SIMULATOR: 'off',
    FLOWGENTO_BACKUP: 'on',
  });
  const owner = await setupOwner(() => app.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  // A contact key in the vault: every upload now asks the vault barrier.
  await deliverText(app.running, { text: 'hello', from: '15550001111' });
  await app.running.backup!.flush();
  return app;
}

describe('stopping the appliance while backup ships', () => {
  it('ships the last commits before the vault closes, with no error in the log', async () => {
    t = await applianceWithContacts();
    const generation = t.running.backup!.status().generation!;
    const before = segmentsInTier(t, generation).length;

    // Committed just before the stop: only the engine's last ship carries it.
    await deliverText(t.running, { text: 'one more', from: '15550002222' });
    await t.stop();

    expect(lines(t).filter((l) => l.level >= 50)).toEqual([]);
    expect(t.logs.text).not.toContain('connection is not open');
    expect(spooled(t)).toEqual([]);
    expect(segmentsInTier(t, generation).length).toBeGreaterThan(before);
  }, 90_000);

  it('ships a segment left in the spool at the stop once the appliance starts again', async () => {
    t = await applianceWithContacts();
    const generation = t.running.backup!.status().generation!;
    // The backup folder cannot take the last segment: a file where its
    // generation's segment folder should be.
    const segFolder = join(t.config.dataDir, 'backup-objects', 'db', generation, 'seg');
    mkdirSync(segFolder, { recursive: true });
    renameSync(segFolder, `${segFolder}.aside`);
    writeFileSync(segFolder, 'in the way');
    await deliverText(t.running, { text: 'left behind', from: '15550003333' });
    await t.stop();
    // One segment or more, as the cuts fell: each must go up after the start.
    const left = spooled(t);
    expect(left.length).toBeGreaterThan(0);

    rmSync(segFolder);
    renameSync(`${segFolder}.aside`, segFolder);
    await t.start();
    await t.running.backup!.flush();

    expect(spooled(t)).toEqual([]);
    for (const entry of left) {
      expect(segmentsInTier(t, generation)).toContain(entry.split('+').at(-1)!);
    }
    expect(t.running.backup!.status().lastError).toBeNull();
  }, 90_000);
});
