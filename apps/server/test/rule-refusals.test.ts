import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '@flowgento/core';
import type { RunningAppliance } from '../src/server.ts';
import { addAgent, AGENT, setupOwner } from './flows.ts';
import { templateNamed } from './outbound-support.ts';
import {
  expectApiError,
  startTestAppliance,
  TestClock,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';

/**
 * A refusal by a rule of the law or the workspace (a legal hold, a request's
 * deadline, a refusal without an authority) is audited as `rule.refused`
 * with the rule's name, not as `access.denied` / `permission_denied`: a DPO
 * reading the trail must not take it for a permission failure (review of
 * issue #8). Real permission failures stay as they were.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
const app = (): RunningAppliance => t.running;
const FROM = '5511977700001';
const clock = new TestClock();

beforeAll(async () => {
  t = await startTestAppliance({}, { clock });
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
  const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  );
  await owner.mutate('templates.sync');
  await app().simulator!.sendCustomerMessage({
    phoneNumberId,
    from: FROM,
    profileName: 'Dora Reis',
    text: 'Hello',
  });
});
afterAll(() => t.cleanup());

interface Entry {
  action: string;
  outcome: string;
  target: string;
  details: Record<string, unknown>;
}

/** The audit entries written since `seq`, oldest first. */
function entriesAfter(seq: number): Entry[] {
  return (
    app()
      .appliance.store.db.prepare(
        `SELECT action, outcome, target_id AS target, details_json AS details
         FROM audit_log WHERE seq > ? ORDER BY seq`,
      )
      .all(seq) as (Omit<Entry, 'details'> & { details: string })[]
  ).map((row) => ({ ...row, details: JSON.parse(row.details) as Entry['details'] }));
}

const lastSeq = () =>
  app()
    .appliance.store.db.prepare('SELECT coalesce(max(seq), 0) FROM audit_log')
    .pluck()
    .get() as number;

/** Runs a refused call; returns its error and the entries it wrote. */
async function refused(call: Promise<unknown>) {
  const before = lastSeq();
  const error = await expectApiError(call);
  return { error, entries: entriesAfter(before) };
}

describe('a refusal by a rule', () => {
  it('a legal hold that blocks an erasure is a rule refusal, and the contact stays', async () => {
    const contact = await owner.query<{ id: string }>('requests.findContact', {
      waId: FROM,
    });
    await owner.mutate('retention.placeHold', {
      contactId: contact.id,
      reason: 'Court order 12/2026',
    });
    const { error, entries } = await refused(
      owner.mutate('contacts.erase', { contactId: contact.id, reason: 'asked by Dora' }),
    );
    expect(error).toMatchObject({ status: 412, reason: 'legal_hold_active' });
    expect(error.message).toMatch(/legal hold .* Court order 12\/2026/);
    expect(entries).toEqual([
      {
        action: 'rule.refused',
        outcome: 'failure',
        target: 'contacts.erase',
        details: { rule: 'legal_hold_active', role: 'OWNER' },
      },
    ]);
    expect(
      (await owner.query<{ id: string }>('requests.findContact', { waId: FROM })).id,
    ).toBe(contact.id);
  });

  it('an extension outside the rules and a GDPR refusal naming no authority are rule refusals', async () => {
    const { id } = await owner.mutate<{ id: string }>('requests.log', {
      kind: 'access',
      law: 'GDPR',
      requester: 'Dora Reis by email',
    });
    const now = Date.now();
    const extension = await refused(
      owner.mutate('requests.extend', {
        requestId: id,
        toldAt: now,
        until: now + 200 * DAY_MS,
        reason: 'Many files to gather',
      }),
    );
    expect(extension.error).toMatchObject({
      status: 412,
      reason: 'extension_not_allowed',
    });
    expect(extension.error.message).toBe('An extension can add at most two months');
    expect(extension.entries).toEqual([
      {
        action: 'rule.refused',
        outcome: 'failure',
        target: 'requests.extend',
        details: { rule: 'extension_not_allowed', role: 'OWNER' },
      },
    ]);

    const refusal = await refused(
      owner.mutate('requests.refuse', { requestId: id, reason: 'Manifestly unfounded' }),
    );
    expect(refusal.error).toMatchObject({ status: 412, reason: 'authority_missing' });
    expect(refusal.entries.map((e) => [e.action, e.details['rule']])).toEqual([
      ['rule.refused', 'authority_missing'],
    ]);
    const { requests } = await owner.query<{
      requests: { id: string; status: string; dueAt: number }[];
    }>('requests.list');
    expect(requests.find((r) => r.id === id)?.status).toBe('open');
  });

  it('a permission failure is still access.denied with permission_denied', async () => {
    const { error, entries } = await refused(
      agent.mutate('requests.log', { kind: 'access', law: 'DPDP', requester: 'someone' }),
    );
    expect(error).toMatchObject({ status: 403, reason: 'permission_denied' });
    expect(entries).toMatchObject([
      {
        action: 'access.denied',
        outcome: 'failure',
        target: 'requests.log',
        details: { reason: 'permission_denied', role: 'AGENT' },
      },
    ]);
  });
});

describe('a refusal by a rule of messaging or membership', () => {
  const conversationId = async () =>
    (
      await agent.query<{ id: string; contact: { waId: string } }[]>(
        'inbox.conversations',
      )
    ).find((c) => c.contact.waId === FROM)!.id;

  it('marketing to a customer without an opt-in is a rule refusal, not a missing permission', async () => {
    const id = await conversationId();
    const template = await templateNamed(agent, id, 'spring_sale');
    const { error, entries } = await refused(
      agent.mutate('templates.send', {
        conversationId: id,
        templateId: template.id,
        parameters: { 'body.1': 'Dora' },
      }),
    );
    expect(error).toMatchObject({ status: 412, reason: 'contact_no_marketing_consent' });
    expect(entries).toEqual([
      {
        action: 'rule.refused',
        outcome: 'failure',
        target: 'templates.send',
        details: { rule: 'contact_no_marketing_consent', role: 'AGENT' },
      },
    ]);
  });

  it('an inactivity rule without a notice template and the last OWNER leaving are rule refusals', async () => {
    const rule = await refused(
      owner.mutate('retention.setRule', { category: 'inactive_contacts', days: 30 }),
    );
    expect(rule.error.reason).toBe('retention_notice_template_missing');
    expect(rule.entries.map((e) => [e.action, e.target, e.details['rule']])).toEqual([
      ['rule.refused', 'retention.setRule', 'retention_notice_template_missing'],
    ]);

    const leave = await refused(owner.mutate('members.leave'));
    expect(leave.error.reason).toBe('last_owner');
    expect(leave.entries.map((e) => [e.action, e.target, e.details['rule']])).toEqual([
      ['rule.refused', 'members.leave', 'last_owner'],
    ]);
  });

  it('a retention rule below the legal floor is a rule refusal naming the category in words', async () => {
    const floor = await refused(
      owner.mutate('retention.setRule', { category: 'security_log', days: 30 }),
    );
    expect(floor.error).toMatchObject({
      status: 412,
      reason: 'retention_below_legal_floor',
    });
    expect(floor.error.message).toMatch(/^Security logs must be kept at least 180 days/);
    expect(floor.entries.map((e) => [e.action, e.target, e.details['rule']])).toEqual([
      ['rule.refused', 'retention.setRule', 'retention_below_legal_floor'],
    ]);
    const { rules } = await owner.query<{ rules: { category: string }[] }>(
      'retention.overview',
    );
    expect(rules.map((r) => r.category)).not.toContain('security_log');
  });

  it('a reply after the service window closed is a rule refusal', async () => {
    const id = await conversationId();
    clock.advance(25 * HOUR_MS);
    // A day idle ends the session too; the agent signs in again.
    await agent.mutate('auth.login', { email: AGENT.email, password: AGENT.password });
    const { error, entries } = await refused(
      agent.mutate('inbox.reply', { conversationId: id, body: 'Sorry for the wait' }),
    );
    expect(error).toMatchObject({ status: 412, reason: 'service_window_closed' });
    expect(entries).toEqual([
      {
        action: 'rule.refused',
        outcome: 'failure',
        target: 'inbox.reply',
        details: { rule: 'service_window_closed', role: 'AGENT' },
      },
    ]);
  });
});
