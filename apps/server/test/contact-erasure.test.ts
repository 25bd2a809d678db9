import { copyFileSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@flowgento/core';
import {
  CONTACT_VAULT_FILE,
  openEncryptedDatabase,
  openForContact,
  SHREDDED_TEXT,
} from '@flowgento/store';
import {
  localFolderFor,
  parseS3Settings,
  S3StorageProvider,
  StorageProviderSettings,
} from '@flowgento/storage';
import { FaultProxy } from '../../../packages/storage/test/support/fault-proxy.ts';
import { createBucket, useRgw } from '../../../packages/storage/test/support/rgw.ts';
import { CLI_ACTOR } from '../src/cli/context.ts';
import { addAgent, setupOwner } from './flows.ts';
import { contactIdOf as contactOf } from './sealed.ts';
import {
  expectApiError,
  startTestAppliance,
  tableDigests,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';

/**
 * Issue 8's first done-when: a contact whose messages, note and media are
 * in the database, the search index and two storage providers (a bucket on
 * a real RADOS Gateway behind a fault proxy, and the local disk) is erased;
 * then nothing of it is found in any file, and a database from before the
 * erasure, put back as a restore would, is cleaned again before it serves.
 */

const MARKER = `ZQXJ-${randomBytes(4).toString('hex')}`;
const ERASED = '5511900000001';
const KEPT = '5511900000002';
const gateway = useRgw();
let proxy: FaultProxy;
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
let bucketProvider: string;

const db = () => t.running.appliance.store.db;
const dataDir = () => t.config.dataDir;

function contactIdOf(waId: string): string {
  return contactOf(t.running.appliance.store, waId)!;
}

function storedMediaKeys(): string[] {
  return db()
    .prepare(`SELECT object_key FROM media WHERE state = 'stored' ORDER BY created_at`)
    .pluck()
    .all() as string[];
}

async function until(what: string, done: () => boolean, each = () => {}): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (each(); !done(); each()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every file under the data folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : statSync(path).isFile() ? [path] : [];
  });
}

/** The files that hold the marker, as UTF-8 or UTF-16, in any letter case. */
function filesWithMarker(paths: string[]): string[] {
  const needles = [MARKER, MARKER.toLowerCase()].flatMap((text) => [
    Buffer.from(text, 'utf8'),
    Buffer.from(text, 'utf16le'),
  ]);
  return paths.filter((path) => {
    const bytes = readFileSync(path);
    return needles.some((needle) => bytes.includes(needle));
  });
}

/** Every row of every table, decrypted, that still mentions the marker or number. */
function rowsMentioning(text: string): string[] {
  const tables = db()
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`)
    .pluck()
    .all() as string[];
  return tables.flatMap((table) =>
    (db().prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[])
      .map((row) =>
        JSON.stringify(row, (_k, v: unknown) =>
          Buffer.isBuffer(v) ? v.toString('latin1') : v,
        ),
      )
      .filter((row) => row.toLowerCase().includes(text.toLowerCase()))
      .map(() => table),
  );
}

async function inBucket(key: string): Promise<boolean> {
  const server = gateway();
  const raw = new S3StorageProvider(
    parseS3Settings({
      preset: 's3-compatible',
      endpoint: server.endpoint,
      region: 'us-east-1',
      bucket: 'erasure-a',
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    }),
  );
  try {
    return (await raw.head(key)) !== undefined;
  } finally {
    raw.destroy();
  }
}

beforeAll(async () => {
  const server = gateway();
  await createBucket(server, 'erasure-a');
  proxy = await FaultProxy.start(server.endpoint);
  t = await startTestAppliance();
  owner = await setupOwner(() => t.running);
  agent = await addAgent(() => t.running, owner);
  ({ phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  ));
  const { store, keyRing } = t.running.appliance;
  const settings = new StorageProviderSettings(store, keyRing, silentLogger());
  bucketProvider = t.running.services.storage.addProvider(
    CLI_ACTOR,
    await settings.verify({
      name: 'A',
      settings: {
        preset: 's3-compatible',
        endpoint: proxy.url,
        region: 'us-east-1',
        bucket: 'erasure-a',
        accessKeyId: server.accessKeyId,
        secretAccessKey: server.secretAccessKey,
      },
    }),
  ).id;
  await owner.mutate('storage.setOverride', {
    tier: 'media-hot',
    providerIds: [bucketProvider, 'local'],
  });
}, 90_000);

afterAll(async () => {
  await t?.cleanup();
  await proxy?.close();
});

describe('erasing a contact', () => {
  it('refuses an unknown contact with NOT_FOUND and an agent with FORBIDDEN, changing nothing', async () => {
    const before = tableDigests(t.running, ['sessions']);
    const unknown = await expectApiError(
      owner.mutate('contacts.erase', { contactId: randomUUID(), reason: 'request 1' }),
    );
    expect(unknown.code).toBe('NOT_FOUND');
    const agentTry = await expectApiError(
      agent.mutate('contacts.erase', { contactId: randomUUID(), reason: 'request 1' }),
    );
    expect(agentTry.code).toBe('FORBIDDEN');
    const blank = await expectApiError(
      owner.mutate('contacts.erase', { contactId: randomUUID(), reason: '  ' }),
    );
    expect(blank.code).toBe('BAD_REQUEST');
    expect(tableDigests(t.running, ['sessions', 'audit_log'])).toEqual(
      Object.fromEntries(Object.entries(before).filter(([k]) => k !== 'audit_log')),
    );
  });

  it('leaves no trace of its messages, note and media in the database, its log, the vault or either provider; a restored older database is cleaned before it serves', async () => {
    const simulator = t.running.simulator!;
    const send = (from: string, text: string) =>
      simulator.sendCustomerMessage({
        from,
        profileName: `P ${from}`,
        phoneNumberId,
        text,
      });
    await send(ERASED, `my order ${MARKER} is late`);
    await send(KEPT, 'hello from the other customer');
    // One file while the bucket is up (it lands there), one while it is down
    // (it lands on the local disk): the contact has media in both providers.
    await simulator.sendCustomerMedia({
      from: ERASED,
      profileName: `P ${ERASED}`,
      phoneNumberId,
      kind: 'image',
      bytes: randomBytes(50_000),
      mimeType: 'image/jpeg',
      caption: `photo ${MARKER}`,
    });
    await until('the first file is stored', () => storedMediaKeys().length === 1);
    await proxy.down();
    await simulator.sendCustomerMedia({
      from: ERASED,
      profileName: `P ${ERASED}`,
      phoneNumberId,
      kind: 'image',
      bytes: randomBytes(50_000),
      mimeType: 'image/jpeg',
      caption: `second ${MARKER}`,
    });
    await until('the second file is stored', () => storedMediaKeys().length === 2);
    const [inA, onDisk] = storedMediaKeys() as [string, string];
    expect(await inBucket(inA)).toBe(true);
    const localFiles = () => filesUnder(localFolderFor(dataDir(), 'media-hot'));

    const erasedId = contactIdOf(ERASED);
    const conversation = db()
      .prepare('SELECT id FROM conversations WHERE contact_id = ?')
      .pluck()
      .get(erasedId) as string;
    await owner.mutate('desk.addNote', {
      conversationId: conversation,
      body: `note ${MARKER}`,
    });
    const keptConversation = db()
      .prepare('SELECT id FROM conversations WHERE contact_id = ?')
      .pluck()
      .get(contactIdOf(KEPT)) as string;
    await owner.mutate('desk.addNote', {
      conversationId: keptConversation,
      body: 'calls back on Mondays',
    });
    const hits = await owner.query<{ results: unknown[] }>('desk.search', {
      query: MARKER,
    });
    expect(hits.results.length).toBeGreaterThan(0);

    // "Yesterday's backup": the database as it stood, put aside.
    await t.stop();
    const yesterday = join(t.dir, 'yesterday.db');
    copyFileSync(join(dataDir(), 'flowgento.db'), yesterday);
    await t.start();

    // The bucket is still down: its copy goes on the durable removal list.
    const outcome = await owner.mutate<{ messages: number; mediaObjects: number }>(
      'contacts.erase',
      { contactId: erasedId, reason: 'DSR-17 erasure request' },
    );
    expect(outcome).toMatchObject({ messages: 3, mediaObjects: 2 });
    expect(localFiles().filter((f) => f.endsWith(onDisk) || f.endsWith(inA))).toEqual([]);
    await proxy.up();
    const { copyBack } = t.running.services.storageJobs;
    await until(
      'the bucket copy is removed',
      () =>
        !db()
          .prepare('SELECT 1 FROM storage_object_locations WHERE object_key = ?')
          .get(inA),
      () => void copyBack.run(),
    );
    expect(await inBucket(inA)).toBe(false);
    expect(await inBucket(onDisk)).toBe(false);

    expect(rowsMentioning(MARKER)).toEqual([]);
    expect(rowsMentioning(ERASED)).toEqual([]);
    expect(contactIdOf(KEPT)).toBeDefined();
    const after = await owner.query<{ results: unknown[] }>('desk.search', {
      query: MARKER,
    });
    expect(after.results).toEqual([]);
    const files = filesUnder(dataDir());
    expect(files).toContain(join(dataDir(), CONTACT_VAULT_FILE));
    expect(filesWithMarker(files)).toEqual([]);

    // Yesterday's copy still holds the note, sealed with a key that is gone.
    const old = openEncryptedDatabase({
      path: yesterday,
      key: t.running.appliance.databaseKey,
      readonly: true,
    });
    const sealed = old
      .prepare('SELECT id, body FROM notes WHERE contact_id = ?')
      .get(erasedId) as { id: string; body: string };
    old.close();
    expect(sealed.body).toMatch(/^fgc1:/);
    expect(sealed.body).not.toContain(MARKER);
    const workspaceId = db().prepare('SELECT id FROM workspaces').pluck().get() as string;
    const keys = t.running.appliance.store.contactKeys!;
    expect(keys.contactKey(workspaceId, erasedId, false)).toBeUndefined();
    expect(openForContact(undefined, sealed.body, `notes/${sealed.id}/body`)).toBe(
      SHREDDED_TEXT,
    );

    // The restore: yesterday's database back in place, the vault untouched.
    await t.stop();
    copyFileSync(yesterday, join(dataDir(), 'flowgento.db'));
    rmSync(yesterday);
    for (const side of ['-wal', '-shm'])
      rmSync(join(dataDir(), `flowgento.db${side}`), { force: true });
    await t.start();
    expect(rowsMentioning(MARKER)).toEqual([]);
    expect(contactIdOf(ERASED)).toBeUndefined();
    const kept =
      await owner.query<{ contact: { waId: string } }[]>('inbox.conversations');
    expect(kept.map((c) => c.contact.waId)).toEqual([KEPT]);
    const panel = await owner.query<{ notes: { body: string }[] }>('desk.contact', {
      conversationId: keptConversation,
    });
    expect(panel.notes.map((n) => n.body)).toEqual(['calls back on Mondays']);
    const entries = db()
      .prepare(
        `SELECT actor_type AS actorType, details_json AS details FROM audit_log
         WHERE action = 'contact.erased' ORDER BY seq`,
      )
      .all() as { actorType: string; details: string }[];
    // Yesterday's audit log knew nothing of the first erasure; it has the re-apply.
    expect(entries.map((e) => e.actorType)).toEqual(['system']);
    expect(entries[0]!.details).toContain('ledger re-apply after restore');
  }, 120_000);
});
