import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verhoeffValid } from '@flowgento/messaging';
import type { CloudApiSimulator } from '@flowgento/whatsapp';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import {
  expectApiError,
  startTestAppliance,
  tableRowCounts,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import { newestMedia, settledMedia } from './media-support.ts';
import { openThread } from './outbound-support.ts';

/**
 * Minimisation through the running appliance (issue #8, part 8): card and
 * identity numbers are masked before intake writes a byte, profile names
 * are dropped, and media kinds the workspace does not keep are never
 * fetched. The database file, its WAL and every table are scanned.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const app = (): RunningAppliance => t.running;
const simulator = (): CloudApiSimulator => t.running.simulator!;
const CUSTOMER = { from: '919812345678', profileName: 'Meera Iyer' };

// A Luhn-valid test card, an Aadhaar number with a valid Verhoeff digit, a PAN.
const CARD = '4111 1111 1111 1111';
const AADHAAR = withVerhoeffDigit('23456789012'.slice(0, 11));
const PAN = 'ABCPE1234F';
// Same lengths, failing their checks: an order number and a ticket id stay.
const ORDER = '4111111111111112';

function withVerhoeffDigit(eleven: string): string {
  for (let d = 0; d < 10; d += 1) {
    if (verhoeffValid(`${eleven}${d}`)) return `${eleven}${d}`;
  }
  throw new Error('no Verhoeff digit');
}

const SETTINGS = {
  droppedMedia: ['video', 'sticker'],
  maskCardNumbers: true,
  maskIdentityNumbers: true,
  dropProfileNames: true,
  privacyContact: { name: 'Priya Nair', email: 'privacy@example.com', phone: null },
  grievanceOfficer: {
    name: 'Arjun Menon',
    email: 'grievance@example.com',
    phone: '+91 80 4000 1234',
  },
};

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  phoneNumberId = (
    await owner.mutate<{ phoneNumberId: string }>('whatsapp.connectSimulator')
  ).phoneNumberId;
});
afterAll(() => t.cleanup());

/** Every value of every table (FTS shadow tables too), as one string. */
/** Every value in the database and in the search index's file (schema `search`). */
function everyStoredValue(): string {
  const db = app().appliance.store.db;
  return ['main', 'search']
    .flatMap((schema) =>
      (
        db
          .prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table'`)
          .pluck()
          .all() as string[]
      ).map((table) => {
        const rows = db
          .prepare(`SELECT * FROM ${schema}."${table.replace(/"/g, '""')}"`)
          .all();
        return JSON.stringify(rows, (_key, value: unknown) =>
          Buffer.isBuffer(value) ? value.toString('latin1') : value,
        );
      }),
    )
    .join('\n');
}

function fileBytes(path: string): string {
  try {
    return readFileSync(path).toString('latin1');
  } catch {
    return '';
  }
}

describe('minimisation', () => {
  it('refuses the settings to an agent and bad input, changing nothing', async () => {
    const denied = await expectApiError(agent.mutate('privacy.save', SETTINGS));
    expect(denied.status).toBe(403);
    // The refusal itself is audited; from here on nothing may change.
    const before = tableRowCounts(app());
    const bad = await expectApiError(
      owner.mutate('privacy.save', {
        ...SETTINGS,
        privacyContact: { name: 'Priya', email: 'not-an-address', phone: null },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/email/i);
    expect(tableRowCounts(app())).toEqual(before);
  });

  it('masks card and identity numbers and drops the profile name before anything is stored', async () => {
    expect(await owner.mutate('privacy.save', SETTINGS)).toMatchObject({
      maskCardNumbers: true,
      droppedMedia: ['video', 'sticker'],
    });
    const text =
      `Card ${CARD}, Aadhaar ${AADHAAR.slice(0, 4)} ${AADHAAR.slice(4, 8)} ` +
      `${AADHAAR.slice(8)}, PAN ${PAN}, order ${ORDER}`;
    await simulator().sendCustomerMessage({ ...CUSTOMER, phoneNumberId, text });

    const [conversation] =
      await agent.query<{ id: string; contact: { profileName: string | null } }[]>(
        'inbox.conversations',
      );
    expect(conversation!.contact.profileName).toBeNull();
    const thread = await openThread(agent, conversation!.id);
    const body = thread.messages.at(-1)!.body!;
    expect(body).toContain('••••');
    expect(body).toContain('1111');
    expect(body).toContain(ORDER);
    expect(body).not.toContain(CARD);
    expect(body).not.toContain(PAN);

    // Search finds the kept order number, never a masked one.
    const found = (q: string) =>
      agent.query<{ results: unknown[] }>('desk.search', { query: q });
    expect((await found(ORDER)).results).toHaveLength(1);
    expect((await found(PAN)).results).toHaveLength(0);

    // Nowhere in the database: not in a table, not in the file, not in the WAL.
    const stored = everyStoredValue();
    const dbPath = join(t.config.dataDir, 'flowgento.db');
    const raw = fileBytes(dbPath) + fileBytes(`${dbPath}-wal`);
    expect(raw.length).toBeGreaterThan(0);
    for (const secret of [
      CARD,
      CARD.replace(/ /g, ''),
      AADHAAR,
      PAN,
      CUSTOMER.profileName,
    ]) {
      expect(stored, secret).not.toContain(secret);
      expect(raw, secret).not.toContain(secret);
    }
    expect(stored).toContain(ORDER);
  });

  it('masks a card written with dots before intake stores it, so search cannot find it', async () => {
    const dotted = '5105.1051.0510.5100';
    const dashed = '4012-8888-8888-1881';
    await simulator().sendCustomerMessage({
      ...CUSTOMER,
      phoneNumberId,
      text: `Receipt card ${dotted}, old card ${dashed}, ref 6011.0009.9013.9425`,
    });
    const [conversation] = await agent.query<{ id: string }[]>('inbox.conversations');
    const body = (await openThread(agent, conversation!.id)).messages.at(-1)!.body!;
    expect(body).toBe(
      'Receipt card ••••.••••.••••.5100, old card ••••-••••-••••-1881, ' +
        'ref 6011.0009.9013.9425',
    );

    const found = (q: string) =>
      agent.query<{ results: unknown[] }>('desk.search', { query: q });
    // The index holds the masked groups only: the card's first groups find
    // nothing, while the reference that fails its check is found.
    expect((await found(dotted)).results).toHaveLength(0);
    expect((await found('5105 1051')).results).toHaveLength(0);
    expect((await found('6011.0009.9013.9425')).results).toHaveLength(1);
    const stored = everyStoredValue();
    for (const secret of [dotted, dashed, '5105105105105100', '1051 0510']) {
      expect(stored, secret).not.toContain(secret);
    }
  });

  it("masks a card's code and expiry and a lower-case PAN before intake stores them, so search cannot find them", async () => {
    await simulator().sendCustomerMessage({
      ...CUSTOMER,
      phoneNumberId,
      text: `${CARD} exp 12/29 cvv 737, pan ${PAN.toLowerCase()}`,
    });
    const [conversation] = await agent.query<{ id: string }[]>('inbox.conversations');
    const body = (await openThread(agent, conversation!.id)).messages.at(-1)!.body!;
    expect(body).toBe('•••• •••• •••• 1111 exp ••/•• cvv •••, pan ••••••••••');

    const found = (q: string) =>
      agent.query<{ results: unknown[] }>('desk.search', { query: q });
    for (const secret of ['737', '12/29', PAN.toLowerCase()]) {
      expect((await found(secret)).results, secret).toHaveLength(0);
    }
    const stored = everyStoredValue();
    for (const secret of ['cvv 737', '12/29', PAN.toLowerCase()]) {
      expect(stored, secret).not.toContain(secret);
    }
  });

  it('never fetches a media kind the workspace does not keep, and says why', async () => {
    await simulator().sendCustomerMedia({
      ...CUSTOMER,
      phoneNumberId,
      kind: 'video',
      bytes: Buffer.from('not a real video'),
      mimeType: 'video/mp4',
    });
    const dropped = await newestMedia(agent);
    expect(dropped).toMatchObject({
      kind: 'video',
      state: 'failed',
      failureReason: 'media_not_kept_by_policy',
    });
    // No attempt was ever made: nothing asked Meta for the file.
    const row = app()
      .appliance.store.db.prepare(
        'SELECT attempts, next_attempt_at AS next, object_key AS objectKey FROM media WHERE id = ?',
      )
      .get(dropped.id);
    expect(row).toEqual({ attempts: 0, next: null, objectKey: null });

    // A kind it keeps is fetched as ever.
    await simulator().sendCustomerMedia({
      ...CUSTOMER,
      phoneNumberId,
      kind: 'image',
      bytes: Buffer.from('an image'),
      mimeType: 'image/jpeg',
    });
    expect(await settledMedia(agent)).toMatchObject({ kind: 'image', state: 'stored' });
  });

  it('writes the switches into the record of processing, and shows agents whom to ask', async () => {
    const { record, markdown } = await owner.query<{
      record: {
        minimisation: string[];
        dataCategories: { category: string; kept: string }[];
        controllerContacts: { grievanceOfficer: { name: string } | null };
      };
      markdown: string;
    }>('privacy.record');
    expect(record.minimisation).toContain(
      'Media not kept: video, sticker (never fetched)',
    );
    expect(record.dataCategories).toContainEqual({
      category: 'Contact profile name',
      kept: 'not kept for new messages; names stored before the switch was turned on are kept',
    });
    // Masking never reaches back: the record says so, with the day it began.
    const text = record.dataCategories.find((c) => c.category === 'Message text');
    expect(text?.kept).toMatch(
      /^yes, with card numbers since \d{4}-\d{2}-\d{2} and identity numbers \(Aadhaar, PAN\) since \d{4}-\d{2}-\d{2} masked; messages stored before masking was turned on stay as they were$/,
    );
    expect(record.controllerContacts.grievanceOfficer?.name).toBe('Arjun Menon');
    expect(markdown).toContain('Masked before storage: card numbers');

    expect(await agent.query('privacy.contacts')).toMatchObject({
      privacyContact: { email: 'privacy@example.com' },
      grievanceOfficer: { phone: '+91 80 4000 1234' },
    });
    expect((await expectApiError(agent.query('privacy.record'))).status).toBe(403);
  });
});
