import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '@flowgento/core';
import {
  type ApiClient,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { setupOwner } from './flows.ts';

/**
 * A notification marked done in the breach register is evidence for an
 * authority: its time lies between the awareness and now, a notice to an
 * authority carries its reference, and once done it changes only by an
 * explicit correction that keeps what it replaced (review of issue #8).
 */
let t: TestAppliance;
let owner: ApiClient;
let breachId: string;
const AWARE_AT = Date.now() - 5 * HOUR_MS;

interface Done {
  duty: string;
  done: { at: number; reference: string } | null;
}

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(() => t.running);
  ({ id: breachId } = await owner.mutate<{ id: string }>('breaches.record', {
    title: 'Backup disk lost in transit',
    awareAt: AWARE_AT,
    occurredAt: AWARE_AT - HOUR_MS,
    nature: 'An encrypted backup disk was lost by the courier',
    categories: 'names, numbers',
    systems: 'backups',
    measures: 'backup key rotated',
    contactPoint: 'privacy@acme.test',
  }));
});
afterAll(() => t.cleanup());

const clocks = async (id = breachId) =>
  (await owner.query<{ clocks: Done[] }>('breaches.get', { breachId: id })).clocks;
const doneOf = async (duty: string, id = breachId) =>
  (await clocks(id)).find((c) => c.duty === duty)!.done;

/** The `breach.duty_done` entries, oldest first. */
const entries = () =>
  (
    t.running.appliance.store.db
      .prepare(
        `SELECT details_json FROM audit_log WHERE action = 'breach.duty_done' ORDER BY seq`,
      )
      .pluck()
      .all() as string[]
  ).map((json) => JSON.parse(json) as Record<string, unknown>);

describe('marking a breach notification done', () => {
  it('refuses a time in the future or before the awareness, and a Board notice without reference', async () => {
    const cases = [
      [{ at: Date.UTC(2033, 0, 1), reference: 'DPB-1' }, 'done_in_future'],
      [{ at: Date.UTC(2001, 0, 1), reference: 'DPB-1' }, 'done_before_awareness'],
      [{ at: AWARE_AT - 60_000, reference: 'DPB-1' }, 'done_before_awareness'],
      [{ at: Date.now(), reference: '   ' }, 'reference_required'],
    ] as const;
    for (const [done, reason] of cases) {
      const error = await expectApiError(
        owner.mutate('breaches.markDone', { breachId, duty: 'board', ...done }),
      );
      expect(error).toMatchObject({ code: 'BAD_REQUEST', reason });
    }
    expect(await doneOf('board')).toBeNull();
    expect(entries()).toEqual([]);
  });

  it('a notice to the people needs no reference', async () => {
    await owner.mutate('breaches.markDone', {
      breachId,
      duty: 'people',
      at: Date.now(),
      reference: '',
    });
    expect((await doneOf('people'))?.reference).toBe('');
  });

  it('does not overwrite a done notification silently; a correction is audited with the old value', async () => {
    const first = { at: AWARE_AT + HOUR_MS, reference: 'DPB-2026-17' };
    await owner.mutate('breaches.markDone', { breachId, duty: 'board', ...first });

    const again = await expectApiError(
      owner.mutate('breaches.markDone', {
        breachId,
        duty: 'board',
        at: Date.now(),
        reference: 'DPB-2026-99',
      }),
    );
    expect(again).toMatchObject({ code: 'CONFLICT', reason: 'duty_already_done' });
    expect(again.message).toMatch(/already marked done .*DPB-2026-17.*reason to correct/);
    expect(await doneOf('board')).toEqual(first);

    const corrected = { at: AWARE_AT + 2 * HOUR_MS, reference: 'DPB-2026-18' };
    await owner.mutate('breaches.markDone', {
      breachId,
      duty: 'board',
      ...corrected,
      correction: 'The Board sent a new case number',
    });
    expect(await doneOf('board')).toEqual(corrected);
    expect(entries().at(-1)).toEqual({
      duty: 'board',
      doneAt: corrected.at,
      previousAt: first.at,
      previousReference: first.reference,
      correction: 'The Board sent a new case number',
    });

    const nothing = await expectApiError(
      owner.mutate('breaches.markDone', {
        breachId,
        duty: 'gdpr',
        at: Date.now(),
        reference: 'IE-1',
        correction: 'typo',
      }),
    );
    expect(nothing.reason).toBe('nothing_to_correct');
    expect(await doneOf('gdpr')).toBeNull();
  });
});

describe('a GDPR notification past 72 hours', () => {
  type Drafts = { drafts: { gdpr: { key: string; label: string; text: string }[] } };
  const gdprKeys = async (id: string) =>
    (await owner.query<Drafts>('breaches.get', { breachId: id })).drafts.gdpr.map(
      (f) => f.key,
    );

  it('asks for the reasons for the delay, and the report shows them', async () => {
    expect(await gdprKeys(breachId)).not.toContain('gdpr.delay');

    const { id: late } = await owner.mutate<{ id: string }>('breaches.record', {
      title: 'Old export found on a shared drive',
      awareAt: Date.now() - 80 * HOUR_MS,
      occurredAt: null,
      nature: 'An export of conversations was left on a shared drive',
      categories: 'messages',
      systems: 'shared drive',
      measures: 'file removed',
      contactPoint: 'privacy@acme.test',
    });
    expect(await gdprKeys(late)).toContain('gdpr.delay');
    const done = { breachId: late, duty: 'gdpr', at: Date.now(), reference: 'DPC-7' };
    const early = await expectApiError(owner.mutate('breaches.markDone', done));
    expect(early).toMatchObject({ status: 412, reason: 'delay_reasons_required' });
    expect(early.message).toMatch(/^gdpr\.delay: .*reasons for the delay/);
    expect(await doneOf('gdpr', late)).toBeNull();

    await owner.mutate('breaches.editDrafts', {
      breachId: late,
      fields: { 'gdpr.delay': 'The drive owner reported it only on day four.' },
    });
    const { text } = await owner.mutate<{ text: string }>('breaches.exportReport', {
      breachId: late,
    });
    expect(text).toContain(
      'Reasons for the delay (article 33(1): notified after 72 hours):\n' +
        '  The drive owner reported it only on day four.',
    );
    await owner.mutate('breaches.markDone', done);
    expect(await doneOf('gdpr', late)).toEqual({ at: done.at, reference: 'DPC-7' });
  });
});

describe('an erasure request for a person an open breach affects', () => {
  it('warns before fulfilling, naming only the breach whose people are not yet told', async () => {
    const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
      'whatsapp.connectSimulator',
    );
    await t.running.simulator!.sendCustomerMessage({
      phoneNumberId,
      from: '5511977705555',
      profileName: 'Rui Costa',
      text: 'Please erase my data',
    });
    const [conversation] = await owner.query<{ id: string }[]>('inbox.conversations');
    const opened = await owner.query<{ conversation: { contact: { id: string } } }>(
      'inbox.conversation',
      { conversationId: conversation!.id },
    );
    const contactId = opened.conversation.contact.id;
    const { id: open } = await owner.mutate<{ id: string }>('breaches.record', {
      title: 'Inbox left open at the front desk',
      awareAt: Date.now() - HOUR_MS,
      occurredAt: null,
      nature: 'The inbox was seen by a visitor',
      categories: 'messages',
      systems: 'front desk',
      measures: 'screen lock enforced',
      contactPoint: 'privacy@acme.test',
    });
    // The first breach names him too, but its people were already told.
    for (const id of [breachId, open]) {
      await owner.mutate('breaches.findAffected', {
        breachId: id,
        from: 0,
        to: Date.now(),
        memberIds: [],
        actions: ['read'],
      });
    }

    const { id: requestId } = await owner.mutate<{ id: string }>('requests.log', {
      kind: 'erasure',
      law: 'GDPR',
      requester: 'Rui Costa on WhatsApp',
    });
    await owner.mutate('requests.verify', {
      requestId,
      method: 'wrote from the number on record',
      contactId,
    });
    const warned = await expectApiError(owner.mutate('requests.fulfil', { requestId }));
    expect(warned).toMatchObject({ status: 412, reason: 'open_breach_affects_contact' });
    expect(warned.message).toMatch(/open breach \(Inbox left open at the front desk\) /);
    expect(
      await owner.query('requests.findContact', { waId: '5511977705555' }),
    ).toMatchObject({ id: contactId });

    await owner.mutate('requests.fulfil', { requestId, acknowledgeOpenBreach: true });
    const view = await owner.query<{ affected: { resolved: number; erased: number } }>(
      'breaches.get',
      { breachId: open },
    );
    expect(view.affected).toMatchObject({ resolved: 0, erased: 1 });
  });
});
