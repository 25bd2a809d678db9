import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '@flowgento/core';
import { addMonths, RequestDesk, type ComplianceActing } from '@flowgento/messaging';
import { workspaceScope } from '@flowgento/store';
import type { RunningAppliance } from '../src/server.ts';
import { setupOwner } from './flows.ts';
import { startTestAppliance, TestClock, type TestAppliance } from './harness.ts';

/**
 * The desk's legal clocks under a clock the test moves, on the appliance's
 * real encrypted database, with its real erasure service.
 */
let t: TestAppliance;
const clock = new TestClock();
let desk: RequestDesk;
let acting: ComplianceActing;
const app = (): RunningAppliance => t.running;

beforeAll(async () => {
  clock.freeze();
  t = await startTestAppliance({}, { clock });
  await setupOwner(app);
  const store = app().appliance.store;
  const workspaceId = store.workspaces.list()[0]!.id;
  desk = new RequestDesk(store, app().services.audit, clock, app().services.erasure);
  acting = {
    scope: workspaceScope(workspaceId),
    actor: { type: 'system', label: 'desk test' },
    origin: { ip: null, userAgent: null },
  };
});
afterAll(() => t.cleanup());

function contactId(waId: string): string {
  const store = app().appliance.store;
  return store.transaction(() => store.in(acting.scope).contacts.upsert(waId, 'Dana'));
}

describe('the request desk', () => {
  it('gives a GDPR request one month and a DPDP grievance 90 days', () => {
    const now = clock.now();
    expect(desk.log(acting, { kind: 'access', law: 'GDPR', requester: 'A' }).dueAt).toBe(
      addMonths(now, 1),
    );
    expect(
      desk.log(acting, { kind: 'grievance', law: 'DPDP', requester: 'B' }).dueAt,
    ).toBe(now + 90 * DAY_MS);
  });

  it('extends a GDPR request only when the requester was told within the first month', () => {
    const received = clock.now();
    const { id } = desk.log(acting, { kind: 'access', law: 'GDPR', requester: 'C' });
    clock.advance(40 * DAY_MS);
    const late = { toldAt: clock.now(), until: addMonths(received, 3), reason: 'Volume' };
    expect(() => desk.extend(acting, id, late)).toThrow(/within the first month/);
    const early = { ...late, toldAt: received - DAY_MS };
    expect(() => desk.extend(acting, id, early)).toThrow(
      /told is before the request was received/,
    );
    const tooLong = {
      toldAt: received + DAY_MS,
      until: addMonths(received, 4),
      reason: 'x',
    };
    expect(() => desk.extend(acting, id, tooLong)).toThrow(/at most two months/);
    const future = { ...tooLong, toldAt: clock.now() + DAY_MS };
    expect(() => desk.extend(acting, id, future)).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        reason: 'told_in_future',
        message: 'toldAt: the requester cannot be told in the future',
      }),
    );
    desk.extend(acting, id, { ...tooLong, until: addMonths(received, 3) });
    const extended = desk.list(acting.scope).find((r) => r.id === id)!;
    expect(extended).toMatchObject({ status: 'extended', dueAt: addMonths(received, 3) });
    expect(() =>
      desk.extend(acting, id, { ...tooLong, until: addMonths(received, 2) }),
    ).toThrow(/already extended/);
  });

  it('reminds 7 days and 1 day before the deadline, then shows it overdue', () => {
    const { id } = desk.log(acting, { kind: 'grievance', law: 'DPDP', requester: 'D' });
    const reminder = () => desk.due(acting.scope).find((r) => r.requestId === id);
    expect(reminder()).toBeUndefined();
    clock.advance(83 * DAY_MS);
    expect(reminder()).toMatchObject({
      urgency: 'due_7_days',
      message: 'DPDP grievance request is due in 7 days',
    });
    clock.advance(6 * DAY_MS);
    expect(reminder()).toMatchObject({
      urgency: 'due_1_day',
      message: 'DPDP grievance request is due in 1 day',
    });
    clock.advance(2 * DAY_MS);
    expect(reminder()).toMatchObject({
      urgency: 'overdue',
      message: 'DPDP grievance request is 1 day overdue',
    });
  });

  it('refuses a GDPR refusal until the lead authority is named; DPDP names the Board', () => {
    const gdpr = desk.log(acting, { kind: 'erasure', law: 'GDPR', requester: 'E' });
    expect(() => desk.refuse(acting, gdpr.id, 'Legal claim pending')).toThrow(
      /supervisory authority/,
    );
    desk.setAuthority(acting, 'GDPR', 'CNIL (France)');
    const refused = desk.refuse(acting, gdpr.id, 'Legal claim pending');
    expect(refused.authority).toBe('CNIL (France)');
    expect(refused.notice).toMatch(/Reason: Legal claim pending/);
    expect(refused.notice).toMatch(/right to complain to CNIL \(France\)/);
    const dpdp = desk.log(acting, { kind: 'erasure', law: 'DPDP', requester: 'F' });
    expect(desk.refuse(acting, dpdp.id, 'Tax records').authority).toBe(
      'Data Protection Board of India',
    );
    expect(() => desk.refuse(acting, dpdp.id, 'Again')).toThrow(/already closed/);
  });

  it('erases the verified contact when an erasure request is fulfilled', async () => {
    const { id } = desk.log(acting, { kind: 'erasure', law: 'DPDP', requester: 'G' });
    await expect(desk.fulfil(acting, id)).rejects.toThrow(/Verify/);
    const contact = contactId('4915112345678');
    desk.verify(acting, id, { method: 'video call', contactId: contact });
    await desk.fulfil(acting, id);
    expect(app().appliance.store.in(acting.scope).contacts.get(contact)).toBeUndefined();
    expect(desk.list(acting.scope).find((r) => r.id === id)?.status).toBe('fulfilled');
  });

  it('closes a correction only once the requester is verified', async () => {
    const { id } = desk.log(acting, { kind: 'correction', law: 'GDPR', requester: 'I' });
    await expect(desk.fulfil(acting, id)).rejects.toThrow(/Verify/);
    desk.verify(acting, id, { method: 'ID card', contactId: contactId('447700900123') });
    await desk.fulfil(acting, id);
    expect(desk.list(acting.scope).find((r) => r.id === id)?.status).toBe('fulfilled');
  });

  it('closes a DPDP nomination only once the requester is verified', async () => {
    const { id } = desk.log(acting, { kind: 'nomination', law: 'DPDP', requester: 'N' });
    await expect(desk.fulfil(acting, id)).rejects.toMatchObject({
      code: 'RULE_REFUSED',
      reason: 'not_verified',
    });
    expect(desk.list(acting.scope).find((r) => r.id === id)?.status).toBe('open');
    desk.verify(acting, id, {
      method: 'Aadhaar seen',
      contactId: contactId('919812340000'),
    });
    await desk.fulfil(acting, id);
    expect(desk.list(acting.scope).find((r) => r.id === id)?.status).toBe('fulfilled');
  });

  it('logs a letter that came before set-up from its true receipt, overdue if so', () => {
    // The letter came ten days before the appliance was set up.
    const store = app().appliance.store;
    const setUp = store.workspaces.get(store.workspaces.homeId()!)!.createdAt;
    const receivedAt = setUp - 10 * DAY_MS;
    const { id, dueAt } = desk.log(acting, {
      kind: 'access',
      law: 'GDPR',
      requester: 'Letter from Ola',
      receivedAt,
    });
    expect(dueAt).toBe(addMonths(receivedAt, 1));
    const logged = desk.list(acting.scope).find((r) => r.id === id);
    expect(logged).toMatchObject({ receivedAt, urgency: 'overdue' });
    expect(desk.due(acting.scope).find((r) => r.requestId === id)?.message).toMatch(
      /^GDPR access request is \d+ days overdue$/,
    );
  });

  it('does not log a request received more than a year ago (1970)', () => {
    const before = desk.list(acting.scope).length;
    expect(() =>
      desk.log(acting, { kind: 'access', law: 'GDPR', requester: 'Z', receivedAt: 0 }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        reason: 'received_too_long_ago',
        message: expect.stringMatching(/^receivedAt: .*more than a year ago \(before /),
      }),
    );
    expect(desk.list(acting.scope)).toHaveLength(before);
  });

  it('does not log a request received in the future, and says why', () => {
    const before = desk.list(acting.scope).length;
    expect(() =>
      desk.log(acting, {
        kind: 'access',
        law: 'GDPR',
        requester: 'H',
        receivedAt: clock.now() + DAY_MS,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        reason: 'received_in_future',
        message: 'receivedAt: a request cannot be received in the future',
      }),
    );
    expect(desk.list(acting.scope)).toHaveLength(before);
  });

  it('refuses a nomination under the GDPR, which has no such right', () => {
    const before = desk.list(acting.scope).length;
    expect(() =>
      desk.log(acting, { kind: 'nomination', law: 'GDPR', requester: 'N' }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        reason: 'nomination_dpdp_only',
        message: 'kind: a nomination is a DPDP right; GDPR has no such request',
      }),
    );
    expect(desk.list(acting.scope)).toHaveLength(before);
  });
});
