import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, setupOwner } from './flows.ts';
import {
  expectApiError,
  httpsRequest,
  startTestAppliance,
  tableRowCounts,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import { customerWrites, nextSecond } from './outbound-support.ts';
import { contactIdOf } from './sealed.ts';

/**
 * The consent register through the running appliance (issue #8, part 5):
 * notices and purposes, opt-ins that name their source, notice and
 * language, withdrawals from every channel landing in one register, the
 * audited export; and the public security.txt and disclosure page (part 9).
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const app = (): RunningAppliance => t.running;

interface Entry {
  contactId: string;
  waId: string;
  purpose: string;
  state: string;
  source: string;
  noticeVersion: string | null;
  language: string | null;
  changedAt: number;
}

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_AGENT_URL: 'https://appliance.example.test' });
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  phoneNumberId = (
    await owner.mutate<{ phoneNumberId: string }>('whatsapp.connectSimulator')
  ).phoneNumberId;
});
afterAll(() => t.cleanup());

const register = (contactId?: string) =>
  owner.query<{ entries: Entry[]; history: { state: string; source: string }[] }>(
    'consentRegister.entries',
    contactId ? { contactId } : {},
  );

describe('the consent register', () => {
  it('records an opt-in only with a published notice, per purpose, and withdraws it in one step', async () => {
    const thread = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      '919800000001',
      'Hi',
    );
    const contactId = thread.contact.id;
    await owner.mutate('consentRegister.addNotice', {
      version: '2026-01',
      language: 'hi',
      body: 'हम व्हाट्सऐप पर ऑफ़र भेजते हैं।',
    });
    await owner.mutate('consentRegister.savePurpose', {
      purpose: 'surveys',
      description: 'Satisfaction surveys after a purchase',
    });

    const before = tableRowCounts(app());
    const unknownNotice = await expectApiError(
      owner.mutate('consentRegister.recordOptIn', {
        contactId,
        purpose: 'surveys',
        source: 'import',
        noticeVersion: '2026-01',
        language: 'en',
      }),
    );
    expect(unknownNotice).toMatchObject({ status: 400, reason: 'notice_unknown' });
    const unknownPurpose = await expectApiError(
      owner.mutate('consentRegister.recordOptIn', {
        contactId,
        purpose: 'raffles',
        source: 'admin',
        noticeVersion: '2026-01',
        language: 'hi',
      }),
    );
    expect(unknownPurpose).toMatchObject({ status: 400, reason: 'purpose_unknown' });
    const republished = await expectApiError(
      owner.mutate('consentRegister.addNotice', {
        version: '2026-01',
        language: 'hi',
        body: 'changed text',
      }),
    );
    expect(republished).toMatchObject({ status: 409, reason: 'notice_exists' });
    expect(tableRowCounts(app())).toEqual(before);

    await owner.mutate('consentRegister.recordOptIn', {
      contactId,
      purpose: 'surveys',
      source: 'import',
      noticeVersion: '2026-01',
      language: 'hi',
    });
    expect((await register(contactId)).entries).toEqual([
      expect.objectContaining({
        purpose: 'surveys',
        state: 'opted_in',
        source: 'import',
        noticeVersion: '2026-01',
        language: 'hi',
        waId: '919800000001',
      }),
    ]);

    await owner.mutate('consentRegister.withdraw', { contactId, purpose: 'surveys' });
    const after = await register(contactId);
    expect(after.entries[0]).toMatchObject({ state: 'opted_out', source: 'admin' });
    expect(after.history.map((h) => h.state)).toEqual(['opted_in', 'opted_out']);
  });

  it('gathers withdrawals by keyword and by WhatsApp preference in the same register', async () => {
    const byKeyword = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      '919800000002',
      'STOP',
    );
    const byMenu = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      '919800000003',
      'Hi',
    );
    await app().simulator!.sendCustomerPreference({
      phoneNumberId,
      from: '919800000003',
      value: 'stop',
    });
    const { entries } = await register();
    expect(entries.find((e) => e.contactId === byKeyword.contact.id)).toMatchObject({
      purpose: 'marketing',
      state: 'opted_out',
      source: 'keyword',
    });
    expect(entries.find((e) => e.contactId === byMenu.contact.id)).toMatchObject({
      state: 'opted_out',
      source: 'preference_webhook',
    });
  });

  it('imports opt-ins for a list of numbers under one notice, and refuses a bad list whole', async () => {
    const input = {
      purpose: 'marketing',
      noticeVersion: '2026-01',
      language: 'hi',
      waIds: ['919800000010', '919800000011', '919800000010'],
    };
    // Earlier reads' access notes land a moment later: write them now.
    app().services.accessLog.flush();
    const before = tableRowCounts(app());
    const bad = await expectApiError(
      owner.mutate('consentRegister.importOptIns', {
        ...input,
        waIds: ['919800000010', '+91 98000'],
      }),
    );
    expect(bad.status).toBe(400);
    expect(tableRowCounts(app())).toEqual(before);

    expect(await owner.mutate('consentRegister.importOptIns', input)).toEqual({
      recorded: 2,
      unchanged: 0,
      refused: [],
    });
    const { entries } = await register();
    expect(entries.filter((e) => e.waId.startsWith('91980000001'))).toEqual([
      expect.objectContaining({ state: 'opted_in', source: 'import', language: 'hi' }),
      expect.objectContaining({ state: 'opted_in', source: 'import', language: 'hi' }),
    ]);
  });

  it('leaves an opt-in already given under the same notice as it was, counted unchanged', async () => {
    const input = {
      purpose: 'marketing',
      noticeVersion: '2026-01',
      language: 'hi',
      waIds: ['919800000030'],
    };
    expect(await owner.mutate('consentRegister.importOptIns', input)).toMatchObject({
      recorded: 1,
    });
    const first = (await register()).entries.find((e) => e.waId === '919800000030')!;
    const events = () =>
      app()
        .appliance.store.db.prepare(
          'SELECT count(*) FROM consent_events WHERE contact_id = ?',
        )
        .pluck()
        .get(first.contactId) as number;
    const eventsBefore = events();
    await nextSecond();

    expect(await owner.mutate('consentRegister.importOptIns', input)).toEqual({
      recorded: 0,
      unchanged: 1,
      refused: [],
    });
    const again = (await register()).entries.find((e) => e.waId === '919800000030');
    expect(again).toEqual(first);
    expect(events()).toBe(eventsBefore);
  });

  it('refuses a number that cannot be E.164, per row, and makes no contact for it', async () => {
    const result = await owner.mutate('consentRegister.importOptIns', {
      purpose: 'marketing',
      noticeVersion: '2026-01',
      language: 'hi',
      waIds: ['12345', '919800000040', '1234567890123456'],
    });
    expect(result).toEqual({
      recorded: 1,
      unchanged: 0,
      refused: [
        { waId: '12345', reason: 'not_a_number' },
        { waId: '1234567890123456', reason: 'not_a_number' },
      ],
    });
    // Numbers are sealed: found by their keyed hash, as intake finds them.
    const contactWith = (waId: string) => contactIdOf(app().appliance.store, waId);
    expect(contactWith('919800000040')).toBeDefined();
    expect(contactWith('12345')).toBeUndefined();
    expect(contactWith('1234567890123456')).toBeUndefined();
    const [audited] = app()
      .appliance.store.db.prepare(
        `SELECT details_json FROM audit_log WHERE action = 'consent.imported'
           ORDER BY seq DESC LIMIT 1`,
      )
      .pluck()
      .all() as string[];
    expect(JSON.parse(audited!)).toMatchObject({ refused: 2, refusedInvalid: 2 });
  });

  it('refuses to import an erased number or one whose customer withdrew, saying why', async () => {
    const stopped = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      '919800000020',
      'STOP',
    );
    const erased = await customerWrites(
      app(),
      agent,
      phoneNumberId,
      '919800000021',
      'Hi',
    );
    await owner.mutate('contacts.erase', {
      contactId: erased.contact.id,
      reason: 'asked to be forgotten',
    });

    const result = await owner.mutate('consentRegister.importOptIns', {
      purpose: 'marketing',
      noticeVersion: '2026-01',
      language: 'hi',
      waIds: ['919800000020', '919800000021', '919800000022'],
    });
    expect(result).toEqual({
      recorded: 1,
      unchanged: 0,
      refused: [
        { waId: '919800000020', reason: 'withdrew_by_customer' },
        { waId: '919800000021', reason: 'erased' },
      ],
    });
    // The audit entry says how many were refused and why, naming no number.
    const [audited] = app()
      .appliance.store.db.prepare(
        `SELECT details_json FROM audit_log WHERE action = 'consent.imported'
           ORDER BY seq DESC LIMIT 1`,
      )
      .pluck()
      .all() as string[];
    expect(JSON.parse(audited!)).toEqual({
      purpose: 'marketing',
      notice: '2026-01',
      recorded: 1,
      unchanged: 0,
      refused: 2,
      refusedErased: 1,
      refusedWithdrew: 1,
      refusedInvalid: 0,
    });
    const { entries } = await register();
    expect(entries.find((e) => e.contactId === stopped.contact.id)).toMatchObject({
      state: 'opted_out',
      source: 'keyword',
    });
    expect(entries.filter((e) => e.waId === '919800000021')).toEqual([]);
    expect(entries.find((e) => e.waId === '919800000022')).toMatchObject({
      state: 'opted_in',
      source: 'import',
    });
  });

  it('exports the register as CSV and JSON, audited, and keeps it from agents', async () => {
    const csv = await owner.mutate<{ filename: string; body: string }>(
      'consentRegister.export',
      { format: 'csv' },
    );
    expect(csv.filename).toBe('consent-register.csv');
    const [header, ...rows] = csv.body.trim().split('\r\n');
    expect(header).toBe(
      'contact_id,wa_id,purpose,line,state,kind,source,notice_version,language,at,stamped_at',
    );
    const lines = rows.filter((l) => l.split(',')[3] === 'current');
    // The withdrawal of surveys keeps the opt-in it ended: notice, source, time.
    const surveys = rows
      .filter((l) => l.includes(',919800000001,surveys,'))
      .map((l) => l.split(',').slice(3, 9).join(','));
    expect(surveys).toEqual([
      'current,opted_out,,admin,,',
      'history,opted_in,change,import,2026-01,hi',
      'history,opted_out,change,admin,,',
    ]);
    const json = await owner.mutate<{ body: string }>('consentRegister.export', {
      format: 'json',
    });
    const file = JSON.parse(json.body) as {
      records: Entry[];
      history: (Entry & { kind: string })[];
    };
    expect(file.records).toHaveLength(lines.length);
    expect(file.history).toHaveLength(rows.length - lines.length);
    expect(
      file.history.filter((h) => h.waId === '919800000001' && h.purpose === 'surveys'),
    ).toMatchObject([
      { state: 'opted_in', source: 'import', noticeVersion: '2026-01', language: 'hi' },
      { state: 'opted_out', source: 'admin', noticeVersion: null },
    ]);
    const audited = app()
      .appliance.store.db.prepare(
        `SELECT details_json FROM audit_log WHERE action = 'consent.exported' ORDER BY seq`,
      )
      .pluck()
      .all() as string[];
    expect(audited.map((d) => JSON.parse(d) as unknown)).toEqual([
      { format: 'csv', records: lines.length },
      { format: 'json', records: lines.length },
    ]);

    expect(
      (await expectApiError(agent.query('consentRegister.entries', {}))).status,
    ).toBe(403);
    expect(
      (await expectApiError(agent.mutate('consentRegister.export', { format: 'csv' })))
        .status,
    ).toBe(403);
  });
});

describe('disclosure', () => {
  it('serves security.txt with RFC 9116 fields and the disclosure page, without sign-in', async () => {
    const txt = await httpsRequest(app(), 'GET', '/.well-known/security.txt');
    expect(txt.status).toBe(200);
    expect(txt.headers['content-type']).toMatch(/^text\/plain/);
    const fields = Object.fromEntries(
      txt.body
        .trim()
        .split('\n')
        .map((line) => line.split(/: (.*)/s).slice(0, 2) as [string, string]),
    );
    expect(fields).toMatchObject({
      Contact: 'mailto:security@flowgento.com',
      'Preferred-Languages': 'en',
      Policy: 'https://appliance.example.test/disclosure',
      Canonical: 'https://appliance.example.test/.well-known/security.txt',
    });
    const expires = Date.parse(fields['Expires']!);
    expect(expires).toBeGreaterThan(Date.now() + 150 * 24 * 3600 * 1000);
    expect(expires).toBeLessThan(Date.now() + 365 * 24 * 3600 * 1000);

    const page = await httpsRequest(app(), 'GET', '/disclosure');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('Responsible disclosure');
    expect(page.body).toContain('security@flowgento.com');
  });
});
