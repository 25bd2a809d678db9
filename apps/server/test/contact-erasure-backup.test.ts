import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-run.ts';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { contactIdOf, contactNumbers } from './sealed.ts';

/**
 * With continuous backup on, the backup engine is the only checkpointer: an
 * erasure asks it to ship the log and checkpoint it, the next commit cuts
 * the log file, and the chain carries on in the same generation.
 */

let t: TestAppliance;
let owner: ApiClient;
let at: string;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'on' });
  owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
}, 60_000);

afterAll(() => t.cleanup());

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('an erasure while continuous backup runs', () => {
  it('starts the database log over at the next commit, and the backup chain goes on in the same generation', async () => {
    const engine = t.running.backup!;
    await until('the first snapshot is up', () => engine.status().generation !== null);
    const generation = engine.status().generation;
    await deliverText(t.running, { text: 'erase me please', from: '15550004444' });
    await deliverText(t.running, { text: 'keep me', from: '15550005555' });
    await new Promise((done) => setTimeout(done, 600));
    await engine.flush();
    // "Yesterday": a point the backup can restore, from before the erasure.
    at = new Date().toISOString();
    await new Promise((done) => setTimeout(done, 1100));
    const contactId = contactIdOf(t.running.appliance.store, '15550004444')!;
    const wal = join(t.config.dataDir, 'flowgento.db-wal');
    const before = statSync(wal).size;
    expect(before).toBeGreaterThan(0);
    // The log's salts change each time it starts over (bytes 16 to 24).
    const salts = () => readFileSync(wal).subarray(16, 24).toString('hex');
    const saltsBefore = salts();

    await owner.mutate('contacts.erase', { contactId, reason: 'request by phone' });
    // The log was shipped and checkpointed: the next commit starts it over
    // and cuts the file to what that commit wrote.
    await deliverText(t.running, { text: 'after the erasure', from: '15550005555' });
    expect(salts()).not.toBe(saltsBefore);
    expect(statSync(wal).size).toBeLessThan(before);
    await engine.flush();
    const status = engine.status();
    expect(status.lastError).toBeNull();
    expect(status.generation).toBe(generation);
    expect(status.pendingSegments).toBe(0);
  }, 60_000);

  it('restored to a time before the erasure, erases the contact again before it serves', async () => {
    const flags = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
    await t.stop();
    const outcome = await runCli(['restore', '--to', at, '--swap', ...flags]);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('swapped in');

    await t.start();
    const db = t.running.appliance.store.db;
    const numbers = contactNumbers(t.running.appliance.store);
    expect(numbers).toEqual(['15550005555']);
    const erasures = db
      .prepare(
        `SELECT actor_type AS actor, details_json AS details FROM audit_log
         WHERE action = 'contact.erased'`,
      )
      .all() as { actor: string; details: string }[];
    expect(erasures).toHaveLength(1);
    expect(erasures[0]!.actor).toBe('system');
    expect(erasures[0]!.details).toContain('ledger re-apply after restore');
    const hits = await owner.query<{ results: unknown[] }>('desk.search', {
      query: 'erase',
    });
    expect(hits.results).toEqual([]);
  }, 120_000);
});
