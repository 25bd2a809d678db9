import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectApiError,
  TestClock,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import {
  customerWrites,
  simulatorSends,
  startConsentAppliance,
  templateNamed,
} from './outbound-support.ts';

/**
 * Before migration 063 a customer's START was an opt-in with no notice, and
 * it still counted after that code changed. Migration 068 applies today's
 * rule to that history (review of issue #8): after the upgrade, a contact
 * whose only "consent" was an old START gets no marketing template.
 */
let t: TestAppliance;
let agent: ApiClient;
let phoneNumberId: string;
const clock = new TestClock();

beforeAll(async () => {
  ({ t, agent, phoneNumberId } = await startConsentAppliance(clock));
});
afterAll(() => t.cleanup());

async function sendSale(conversationId: string) {
  const template = await templateNamed(agent, conversationId, 'spring_sale');
  return agent.mutate<{ messageId: string; state: string }>('templates.send', {
    conversationId,
    templateId: template.id,
    parameters: { 'body.1': 'Asha' },
  });
}

describe('upgrading past migration 068', () => {
  it('refuses a marketing template to a contact whose only consent was an old START', async () => {
    const thread = await customerWrites(
      t.running,
      agent,
      phoneNumberId,
      '5511944900001',
      'Hi',
    );
    // What the code before migration 063 wrote for the START keyword: an
    // opt-in event of kind `change` with no notice, and the record it moved.
    const db = t.running.appliance.store.db;
    const workspaceId = db
      .prepare('SELECT workspace_id FROM contacts WHERE id = ?')
      .pluck()
      .get(thread.contact.id) as string;
    const at = clock.now() - 60_000;
    db.prepare(
      `INSERT INTO consent_events (id, workspace_id, contact_id, purpose, state, source,
         detail, occurred_at, recorded_at)
       VALUES (?, ?, ?, 'marketing', 'opted_in', 'keyword', 'START', ?, ?)`,
    ).run(randomUUID(), workspaceId, thread.contact.id, at, at);
    db.prepare(
      `INSERT INTO contact_consent (workspace_id, contact_id, purpose, state, source, changed_at)
       VALUES (?, ?, 'marketing', 'opted_in', 'keyword', ?)`,
    ).run(workspaceId, thread.contact.id, at);
    db.pragma('user_version = 67');
    await t.restart();

    const before = simulatorSends(t);
    const refused = await expectApiError(sendSale(thread.id));
    expect(refused).toMatchObject({
      status: 412,
      reason: 'contact_no_marketing_consent',
    });
    expect(simulatorSends(t)).toBe(before);
  });
});
