import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAppliance } from '../src/server.ts';
import {
  expectApiError,
  TestClock,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import {
  customerWrites,
  openThread,
  simulatorSends,
  templateNamed,
  MARKETING_NOTICE,
  startConsentAppliance,
  nextSecond,
} from './outbound-support.ts';

/**
 * A member's opt-in after the customer's own STOP (review of issue #8): an
 * agent or admin could opt the customer back in seconds later, with no
 * evidence, and marketing went out again. It is refused, audited as a rule
 * refusal and writes nothing, until the customer asks again with START.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let phoneNumberId: string;
const app = (): RunningAppliance => t.running;
const NOTICE = { version: MARKETING_NOTICE.version, language: MARKETING_NOTICE.language };

beforeAll(async () => {
  ({ t, owner, agent, phoneNumberId } = await startConsentAppliance(new TestClock()));
});
afterAll(() => t.cleanup());

/**
 * The customer writes, then a second passes: Meta stamps whole seconds, and
 * within one a withdrawal wins, so no step here ties with the next.
 */
async function customerSays(from: string, text: string) {
  const thread = await customerWrites(app(), agent, phoneNumberId, from, text);
  await nextSecond();
  return thread;
}

const agentOptIn = (conversationId: string) =>
  agent.mutate('consent.setMarketing', {
    conversationId,
    state: 'opted_in',
    notice: NOTICE,
  });

const adminOptIn = (contactId: string, purpose: string) =>
  owner.mutate('consentRegister.recordOptIn', {
    contactId,
    purpose,
    source: 'admin',
    noticeVersion: NOTICE.version,
    language: NOTICE.language,
  });

/** What a refusal must leave as it was: every consent row of the contact. */
function consentRows(contactId: string) {
  const db = app().appliance.store.db;
  return {
    events: db
      .prepare('SELECT count(*) FROM consent_events WHERE contact_id = ?')
      .pluck()
      .get(contactId),
    records: db
      .prepare('SELECT * FROM contact_consent WHERE contact_id = ? ORDER BY purpose')
      .all(contactId),
  };
}

function lastAudit() {
  return app()
    .appliance.store.db.prepare(
      `SELECT action, json_extract(details_json, '$.rule') FROM audit_log
       ORDER BY seq DESC LIMIT 1`,
    )
    .raw()
    .get();
}

function sendSale(conversationId: string) {
  return (async () => {
    const template = await templateNamed(agent, conversationId, 'spring_sale');
    return agent.mutate<{ messageId: string; state: string }>('templates.send', {
      conversationId,
      templateId: template.id,
      parameters: { 'body.1': 'Asha' },
    });
  })();
}

async function expectWithdrewRefusal(call: Promise<unknown>, contactId: string) {
  const before = consentRows(contactId);
  const refused = await expectApiError(call);
  expect(refused).toMatchObject({ status: 412, reason: 'withdrew_by_customer' });
  expect(refused.message).toMatch(/withdrew .* consent themselves.*START/);
  expect(lastAudit()).toEqual(['rule.refused', 'withdrew_by_customer']);
  expect(consentRows(contactId)).toEqual(before);
}

describe("a member's opt-in after the customer's STOP", () => {
  it('is refused at the desk and on the register until the customer sends START', async () => {
    const from = '551193400001';
    const thread = await customerSays(from, 'STOP');
    const contactId = thread.contact.id;

    await expectWithdrewRefusal(agentOptIn(thread.id), contactId);
    await expectWithdrewRefusal(adminOptIn(contactId, 'marketing'), contactId);
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_out',
      source: 'keyword',
    });
    const sends = simulatorSends(t);
    await expectApiError(sendSale(thread.id));
    expect(simulatorSends(t)).toBe(sends);

    // The customer asks again: a START with no notice behind it gives no
    // consent, but the agent may now record the renewed opt-in under one.
    await customerSays(from, 'START');
    expect((await openThread(agent, thread.id)).marketing?.state).toBe('opted_out');
    await agentOptIn(thread.id);
    expect((await openThread(agent, thread.id)).marketing).toMatchObject({
      state: 'opted_in',
      source: 'agent',
      noticeVersion: NOTICE.version,
    });
    expect((await sendSale(thread.id)).state).toBe('sent');
  });

  it("is refused for the workspace's own purpose too, and to an import, even after a member's withdrawal", async () => {
    await owner.mutate('consentRegister.savePurpose', {
      purpose: 'surveys',
      description: 'Surveys after a visit',
    });
    const from = '551193400002';
    const thread = await customerSays(from, 'Hi');
    const contactId = thread.contact.id;
    await adminOptIn(contactId, 'surveys');
    await nextSecond();
    await customerSays(from, 'STOP');

    await expectWithdrewRefusal(adminOptIn(contactId, 'surveys'), contactId);
    // A withdrawal by a member on top does not clear the customer's own.
    await owner.mutate('consentRegister.withdraw', { contactId, purpose: 'surveys' });
    await nextSecond();
    await expectWithdrewRefusal(adminOptIn(contactId, 'surveys'), contactId);
    // Nor does an import get round it, as it did while it read only the
    // current record (a member's withdrawal).
    const imported = await owner.mutate('consentRegister.importOptIns', {
      purpose: 'surveys',
      noticeVersion: NOTICE.version,
      language: NOTICE.language,
      waIds: [from],
    });
    expect(imported).toEqual({
      recorded: 0,
      unchanged: 0,
      refused: [{ waId: from, reason: 'withdrew_by_customer' }],
    });

    // Their START answers the STOP that withdrew every purpose.
    await customerSays(from, 'START');
    await adminOptIn(contactId, 'surveys');
    const entries = await owner.query<{ entries: { purpose: string; state: string }[] }>(
      'consentRegister.entries',
      { contactId },
    );
    expect(entries.entries).toContainEqual(
      expect.objectContaining({ purpose: 'surveys', state: 'opted_in' }),
    );
  });
});
