import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '@flowgento/core';
import {
  type ApiClient,
  expectApiError,
  startTestAppliance,
  TestClock,
  type TestAppliance,
} from './harness.ts';
import { addAgent, deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { folderFlags, runCli } from './cli-run.ts';
import { contactIdOf } from './sealed.ts';

/**
 * The access log of personal data and the breach register, through the API
 * of a real appliance on an encrypted database (issue #8, parts 6 and 7).
 */
const clock = new TestClock();
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let agentId: string;
const CARLA = '15550001111';
const DEV = '15550002222';

interface Clock {
  duty: string;
  state: string;
  remainingMs: number;
}

beforeAll(async () => {
  t = await startTestAppliance({}, { clock });
  owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await deliverText(t.running, { text: 'Where is my order 4411?', from: CARLA });
  await deliverText(t.running, { text: 'My order never came', from: DEV });
  agent = await addAgent(() => t.running, owner);
  agentId = (await agent.query<{ userId: string }>('auth.me')).userId;
});
afterAll(() => t.cleanup());

const conversations = () =>
  owner.query<{ id: string; contact: { waId: string } }[]>('inbox.conversations', {});

describe('the access log of personal data', () => {
  it('names who read or searched a contact, found by the number an admin types, and never stores the number', async () => {
    const carla = (await conversations()).find((c) => c.contact.waId === CARLA)!;
    await agent.query('inbox.conversation', { conversationId: carla.id });
    await agent.query('desk.search', { query: 'order' });

    const log = await owner.query<{
      entries: { actorId: string; action: string; via: string }[];
    }>('accessLog.list', { number: '+1 555 000 1111' });
    expect(log.entries.map((e) => [e.actorId, e.action, e.via])).toEqual(
      expect.arrayContaining([
        [agentId, 'read', 'inbox.conversation'],
        [agentId, 'search', 'desk.search'],
      ]),
    );
    const byAgent = await owner.query<{ entries: unknown[] }>('accessLog.list', {
      memberId: agentId,
    });
    expect(byAgent.entries).toHaveLength(3); // one read, a search over two contacts

    const rows = JSON.stringify(
      t.running.appliance.store.db.prepare('SELECT * FROM access_log').all(),
    );
    expect(rows).not.toContain(CARLA);
    expect(rows).not.toContain('Carla');
    const refused = await expectApiError(agent.query('accessLog.list', {}));
    expect(refused.code).toBe('FORBIDDEN');
  });

  it('finds an edited entry and a deleted one when its chain is checked', async () => {
    const db = t.running.appliance.store.db;
    expect(() => db.prepare(`DELETE FROM access_log WHERE seq = 3`).run()).toThrow(
      /append-only/,
    );
    // Someone holding the database key can drop the guards; the chain still tells.
    db.exec(
      `DROP TRIGGER access_log_refuses_update; DROP TRIGGER access_log_refuses_delete`,
    );
    expect(await owner.mutate('accessLog.verify')).toMatchObject({
      ok: true,
      checked: 3,
    });

    db.prepare(`UPDATE access_log SET action = 'export' WHERE seq = 2`).run();
    expect(await owner.mutate('accessLog.verify')).toMatchObject({
      ok: false,
      brokenAt: 2,
      problem: 'edited',
    });
    db.prepare(`UPDATE access_log SET action = 'search' WHERE seq = 2`).run();

    const last = db.prepare('SELECT * FROM access_log WHERE seq = 3').get();
    db.prepare('DELETE FROM access_log WHERE seq = 3').run();
    expect(await owner.mutate('accessLog.verify')).toMatchObject({
      ok: false,
      problem: 'deleted',
    });
    const columns = Object.keys(last as object);
    db.prepare(
      `INSERT INTO access_log (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    ).run(...Object.values(last as object));
    expect(await owner.mutate('accessLog.verify')).toMatchObject({ ok: true });
  });
});

describe('the breach register', () => {
  let breachId: string;

  it('runs the five clocks from the time of awareness, with a reminder before each deadline', async () => {
    clock.freeze();
    ({ id: breachId } = await owner.mutate<{ id: string }>('breaches.record', {
      title: 'Agent laptop stolen',
      awareAt: clock.now() - 5 * HOUR_MS,
      occurredAt: clock.now() - 7 * HOUR_MS,
      nature: 'A laptop with an open agent session was stolen from a car',
      categories: 'names, numbers, messages',
      systems: 'agent browser session',
      measures: 'all sessions of the agent revoked',
      contactPoint: 'privacy@acme.test, +91 80 5550 0100',
    }));
    const clocksOf = async () =>
      (await owner.query<{ clocks: Clock[] }>('breaches.get', { breachId })).clocks;
    const first = await clocksOf();
    expect(first.map((c) => [c.duty, c.state])).toEqual([
      ['cert_in', 'due_soon'],
      ['people', 'running'],
      ['board_intimation', 'due_now'],
      ['board', 'running'],
      ['gdpr', 'running'],
    ]);
    expect(first[0]!.remainingMs).toBe(HOUR_MS);

    // Sessions end after an idle hour: step in halves, as a working admin would.
    clock.advance(HOUR_MS / 2);
    await clocksOf();
    clock.advance(HOUR_MS / 2 + 60_000);
    const later = await clocksOf();
    expect(later[0]).toMatchObject({ state: 'overdue', remainingMs: -60_000 });
    await owner.mutate('breaches.markDone', {
      breachId,
      duty: 'cert_in',
      at: clock.now(),
      reference: 'CERTIn-INC-2026-0042',
    });
    expect((await clocksOf())[0]).toMatchObject({ state: 'done' });

    const future = await expectApiError(
      owner.mutate('breaches.record', {
        title: 'x',
        awareAt: clock.now() + HOUR_MS,
        occurredAt: null,
        nature: 'x',
        categories: '',
        systems: '',
        measures: '',
        contactPoint: 'x',
      }),
    );
    expect(future.message).toMatch(/future/);
    // Nor long ago: 1970 (a 0 typed for a time) would put every clock
    // decades overdue, and a logged breach cannot be taken back.
    const ancient = await expectApiError(
      owner.mutate('breaches.record', {
        title: 'x',
        awareAt: 1000,
        occurredAt: null,
        nature: 'x',
        categories: '',
        systems: '',
        measures: '',
        contactPoint: 'x',
      }),
    );
    expect(ancient).toMatchObject({ status: 400, reason: 'aware_too_long_ago' });
    expect(ancient.message).toMatch(/more than a year ago/);

    // A breach cannot have happened after one learnt of it, nor in the future.
    const listed = (await owner.query<unknown[]>('breaches.list')).length;
    const recordOccurred = (occurredAt: number) =>
      expectApiError(
        owner.mutate('breaches.record', {
          title: 'Wrong times',
          awareAt: clock.now() - 2 * HOUR_MS,
          occurredAt,
          nature: 'x',
          categories: '',
          systems: '',
          measures: '',
          contactPoint: 'x',
        }),
      );
    const afterAwareness = await recordOccurred(clock.now() - HOUR_MS);
    expect(afterAwareness).toMatchObject({
      status: 400,
      reason: 'occurred_after_awareness',
      message: 'The time of the breach cannot be after the time of awareness',
    });
    const inFuture = await recordOccurred(clock.now() + HOUR_MS);
    expect(inFuture).toMatchObject({
      status: 400,
      reason: 'occurred_in_future',
      message: 'The time of the breach cannot be in the future',
    });
    expect(await owner.query<unknown[]>('breaches.list')).toHaveLength(listed);
  });

  it('finds the contacts the access log shows, counts an erased one, and writes a notice to each of the others', async () => {
    // Dev is erased after the breach became known: counted, never named.
    await owner.mutate('contacts.erase', {
      contactId: contactIdOf(t.running.appliance.store, DEV),
      reason: 'Erasure request from Dev',
    });

    const found = await owner.mutate<{ resolved: { waId: string }[]; erased: number }>(
      'breaches.findAffected',
      {
        breachId,
        from: 0,
        to: clock.now(),
        memberIds: [agentId],
        actions: ['read', 'search'],
      },
    );
    expect(found.resolved.map((c) => c.waId)).toEqual([CARLA]);
    expect(found.erased).toBe(1);

    const { notices, erased } = await owner.mutate<{
      notices: { waId: string; text: string }[];
      erased: number;
    }>('breaches.exportNotices', { breachId });
    expect(erased).toBe(1);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('Dear Carla Customer');
    expect(notices[0]!.text).toContain('privacy@acme.test');

    const report = await owner.mutate<{ json: string; text: string }>(
      'breaches.exportReport',
      {
        breachId,
      },
    );
    expect(report.text).toContain('Report to the Data Protection Board of India');
    expect(report.text).toContain('CERTIn-INC-2026-0042');
    expect(JSON.parse(report.json)).toMatchObject({
      affected: { resolved: 1, erased: 1 },
    });
  });

  it('keeps the report and notices true after an affected contact is erased: counted, never named', async () => {
    type View = {
      affected: { resolved: number; erased: number; records: unknown } | null;
      drafts: { gdpr: { key: string; text: string }[] };
      breach: { details: Record<string, string> };
    };
    const before = await owner.query<View>('breaches.get', { breachId });
    expect(before.affected).toMatchObject({
      resolved: 1,
      erased: 1,
      records: { messages: 1, files: 0, notes: 0 },
    });
    const carla = (await conversations()).find((c) => c.contact.waId === CARLA)!;
    const { contact } = (
      await owner.query<{ conversation: { contact: { id: string } } }>(
        'inbox.conversation',
        { conversationId: carla.id },
      )
    ).conversation;
    // Her notice is not sent yet: erasure warns first, names the breach, erases nothing.
    const warned = await expectApiError(
      owner.mutate('contacts.erase', {
        contactId: contact.id,
        reason: 'Erasure request from Carla',
      }),
    );
    expect(warned).toMatchObject({ status: 412, reason: 'open_breach_affects_contact' });
    expect(warned.message).toMatch(/open breach \(Agent laptop stolen\)/);
    expect(
      (await owner.query<View>('breaches.get', { breachId })).affected,
    ).toMatchObject({ resolved: 1, erased: 1 });
    await owner.mutate('contacts.erase', {
      contactId: contact.id,
      reason: 'Erasure request from Carla',
      acknowledgeOpenBreach: true,
    });

    const after = await owner.query<View>('breaches.get', { breachId });
    expect(after.affected).toMatchObject({ resolved: 0, erased: 2 });
    expect(after.breach.details).not.toHaveProperty('affected');
    const listed = await owner.query<{ breach: { details: object } }[]>('breaches.list');
    for (const { breach } of listed)
      expect(breach.details).not.toHaveProperty('affected');
    const nature = after.drafts.gdpr.find((f) => f.key === 'gdpr.nature')!.text;
    expect(nature).toContain(
      'Approximate number of data subjects concerned: 2 people (2 of them erased since the breach became known).',
    );
    // The count of records concerned stays as found: the breach touched them.
    expect(nature).toContain(
      'Approximate number of personal data records concerned: 1 message, 0 files and 0 notes',
    );

    const report = await owner.mutate<{ json: string; text: string }>(
      'breaches.exportReport',
      { breachId },
    );
    expect(report.text).toContain(
      'People affected: 2 people (2 of them erased since the breach became known)',
    );
    for (const trace of [CARLA, 'Carla', contact.id]) {
      expect(report.json, trace).not.toContain(trace);
      expect(report.text, trace).not.toContain(trace);
    }
    const notices = await owner.mutate<{ notices: unknown[]; erased: number }>(
      'breaches.exportNotices',
      { breachId },
    );
    expect(notices).toEqual({ notices: [], erased: 2, erasedBefore: 0 });
  });

  it('lists what is due or overdue with `flowgento breaches due`, and exits 3 when something is late', async () => {
    await owner.mutate('breaches.record', {
      title: 'Misdirected export',
      awareAt: clock.now() - 70 * HOUR_MS,
      occurredAt: null,
      nature: 'A contact export went to the wrong address',
      categories: 'numbers',
      systems: 'exports',
      measures: 'recipient asked to delete it',
      contactPoint: 'privacy@acme.test',
    });
    const result = await runCli(['breaches', 'due', ...folderFlags(t)]);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stdout).toMatch(
      /Misdirected export .* CERT-In: \d+ h \d\d min overdue/,
    );
    expect(result.stdout).toMatch(
      /Misdirected export .* Data Protection Board of India: \d+ h \d\d min left/,
    );
    expect(result.stdout).not.toMatch(/Agent laptop stolen .* CERT-In/);
  });

  it('finds the same person by number after the key ring is rotated and the appliance restarted', async () => {
    const before = await owner.query<{ entries: unknown[] }>('accessLog.list', {
      number: CARLA,
    });
    expect(before.entries.length).toBeGreaterThan(0);
    const flags = folderFlags(t);
    await t.stop();
    const rotated = await runCli(['keys', 'rotate', ...flags]);
    expect(rotated.code, rotated.stderr).toBe(0);
    await t.start();
    const after = await owner.query<{ entries: unknown[] }>('accessLog.list', {
      number: CARLA,
    });
    expect(after.entries).toEqual(before.entries);
  });
});
