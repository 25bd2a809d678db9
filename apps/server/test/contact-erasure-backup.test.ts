import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEncryptedDatabase, type ContactVault } from '@flowgento/store';
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
/** The kept contact's id, to tell rows apart in a restored file (numbers are sealed). */
const ids = { kept: '' };

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', FLOWGENTO_BACKUP: 'on' });
  owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
}, 60_000);

afterAll(() => t.cleanup());

/** Entries in the live appliance's erasure ledger (its vault is its key source). */
const ledgerSize = () =>
  (t.running.appliance.store.contactKeys as ContactVault).entries().length;

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Frames in the log file whose salts are not the header's: left over from
 * before the log last started over, as a log cut short would not leave them.
 */
function framesOlderThanTheLog(path: string): number {
  const bytes = readFileSync(path);
  const frame = 24 + bytes.readUInt32BE(8);
  const salts = bytes.subarray(16, 24);
  let older = 0;
  for (let at = 32; at + frame <= bytes.length; at += frame) {
    if (!bytes.subarray(at + 8, at + 16).equals(salts)) older += 1;
  }
  return older;
}

describe('an erasure while continuous backup runs', () => {
  it('starts the database log over at the next commit, and the backup chain goes on in the same generation', async () => {
    const engine = t.running.backup!;
    await until('the first snapshot is up', () => engine.status().generation !== null);
    const generation = engine.status().generation;
    await deliverText(t.running, { text: 'erase me please', from: '15550004444' });
    await deliverText(t.running, { text: 'keep me', from: '15550005555' });
    const contactId = contactIdOf(t.running.appliance.store, '15550004444')!;
    ids.kept = contactIdOf(t.running.appliance.store, '15550005555')!;
    // Held at the restore point, released before the erasure: the restored
    // hold must not stop the ledger's re-apply.
    const hold = await owner.mutate<{ id: string }>('retention.placeHold', {
      contactId,
      reason: 'Consumer court summons 51/2026',
    });
    await new Promise((done) => setTimeout(done, 600));
    await engine.flush();
    // "Yesterday": a point the backup can restore, from before the erasure.
    at = new Date().toISOString();
    await new Promise((done) => setTimeout(done, 1100));
    await owner.mutate('retention.releaseHold', {
      holdId: hold.id,
      reason: 'Inquiry closed',
    });
    const wal = join(t.config.dataDir, 'flowgento.db-wal');
    // The log's salts change each time it starts over (bytes 16 to 24).
    const salts = () => readFileSync(wal).subarray(16, 24).toString('hex');
    const saltsBefore = salts();

    await owner.mutate('contacts.erase', { contactId, reason: 'request by phone' });
    const withErasure = statSync(wal).size;
    expect(framesOlderThanTheLog(wal)).toBe(0);
    // The log was shipped and checkpointed: the next commit starts it over
    // and cuts the file to what it writes, so no frame of the erasure's log
    // (the erased rows' old pages among them) is left in the file.
    await deliverText(t.running, { text: 'after the erasure', from: '15550005555' });
    expect(salts()).not.toBe(saltsBefore);
    expect(framesOlderThanTheLog(wal)).toBe(0);
    expect(statSync(wal).size).not.toBe(withErasure);
    await engine.flush();
    const status = engine.status();
    expect(status.lastError).toBeNull();
    expect(status.generation).toBe(generation);
    expect(status.pendingSegments).toBe(0);
  }, 60_000);

  it('restored beside the live database, the restored file already lacks the erased contact', async () => {
    const flags = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
    const into = join(t.dir, 'restored-beside');
    const ledgerBefore = ledgerSize();
    const outcome = await runCli(['restore', '--to', at, '--into', into, ...flags]);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('erasure ledger re-applied: 1 contact erased again');
    expect(outcome.stdout).toMatch(/contacts -1, conversations -1, messages -1/);

    // Opened by something other than the appliance, before any start.
    const db = openEncryptedDatabase({
      path: join(into, 'flowgento.db'),
      key: t.running.appliance.databaseKey,
      mustExist: true,
      readonly: true,
    });
    try {
      // Numbers are sealed (migration 058): the rows are told apart by id.
      const contacts = db.prepare('SELECT id FROM contacts').pluck().all();
      expect(contacts).toEqual([ids.kept]);
      expect(db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(1);
      const counted = outcome.stdout.match(
        /rows: .*contacts=(\d+), conversations=(\d+), messages=(\d+)/,
      );
      expect(counted?.slice(1)).toEqual(['1', '1', '1']);
    } finally {
      db.close();
    }
    // The live ledger is only read: a returning customer there is not
    // named again by a newer entry.
    expect(ledgerSize()).toBe(ledgerBefore);
  }, 120_000);

  it('restored to a time before the erasure, erases the contact again before it serves', async () => {
    const flags = ['--data-dir', t.config.dataDir, '--key-file', t.config.keyFile!];
    const databaseKey = t.running.appliance.databaseKey;
    await t.stop();
    const outcome = await runCli(['restore', '--to', at, '--swap', ...flags]);
    expect(outcome.code, outcome.stderr).toBe(0);
    expect(outcome.stdout).toContain('swapped in');
    expect(outcome.stdout).toContain('erasure ledger re-applied: 1 contact erased again');
    const swapped = openEncryptedDatabase({
      path: join(t.config.dataDir, 'flowgento.db'),
      key: databaseKey,
      mustExist: true,
      readonly: true,
    });
    try {
      // Before any start: the restore itself erased the contact again.
      const contacts = swapped.prepare('SELECT id FROM contacts').pluck().all();
      expect(contacts).toEqual([ids.kept]);
    } finally {
      swapped.close();
    }

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
    // The erasure the restore went back before is named: by whom, when, why.
    expect(JSON.parse(erasures[0]!.details)).toMatchObject({
      first_erased_by: expect.stringMatching(/^user:/),
      first_reason: 'request by phone',
      first_erased_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const hits = await owner.query<{ results: unknown[] }>('desk.search', {
      query: 'erase',
    });
    expect(hits.results).toEqual([]);
    // The search index was rebuilt from the restored messages at start.
    const kept = await owner.query<{ results: unknown[] }>('desk.search', {
      query: 'keep',
    });
    expect(kept.results).toHaveLength(1);
    const rebuilt = t.logs.lines
      .map((line) => JSON.parse(line) as { msg: string; unreadable?: number })
      .findLast(
        (entry) => entry.msg === 'message search index rebuilt from the messages',
      );
    expect(rebuilt).toMatchObject({ indexed: 1, unreadable: 0 });
  }, 120_000);
});
