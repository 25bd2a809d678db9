import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, folderFlags } from './cli-run.ts';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { contactIdOf, contactNumbers } from './sealed.ts';

/**
 * `flowgento contacts erase` refused by a legal hold. It left no trace in
 * the audit log, and the command line was named only "cli": not who ran it.
 */

let t: TestAppliance;
let workspace: string;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  const owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await deliverText(t.running, { text: 'under a hold', from: '15550006666' });
  const contactId = contactIdOf(t.running.appliance.store, '15550006666')!;
  await owner.mutate('retention.placeHold', {
    contactId,
    reason: 'Consumer court summons 51/2026',
  });
  workspace = t.running.appliance.store.workspaces.list()[0]!.name;
  await t.stop();
}, 60_000);

afterAll(() => t.cleanup());

describe('flowgento contacts erase under a legal hold', () => {
  it('refuses, keeps the contact, and audits the refusal in the name of the account that ran it', async () => {
    const refused = await runCli([
      'contacts',
      'erase',
      '--workspace',
      workspace,
      '--number',
      '15550006666',
      '--reason',
      'letter of 3 May',
      ...folderFlags(t),
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('legal hold');
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    await t.start();
    expect(contactNumbers(t.running.appliance.store)).toEqual(['15550006666']);
    const entries = t.running.appliance.store.db
      .prepare(
        `SELECT actor_type AS actorType, actor_label AS actorLabel, outcome,
                target_type AS targetType, target_id AS targetId, details_json AS details
           FROM audit_log WHERE action = 'rule.refused'`,
      )
      .all() as Record<string, string>[];
    expect(entries).toEqual([
      {
        actorType: 'system',
        actorLabel: `cli:${userInfo().username}`,
        outcome: 'failure',
        targetType: 'procedure',
        targetId: 'flowgento contacts erase',
        details: JSON.stringify({ rule: 'legal_hold_active' }),
      },
    ]);
    expect(
      t.running.appliance.store.db
        .prepare(`SELECT count(*) FROM audit_log WHERE action = 'contact.erased'`)
        .pluck()
        .get(),
    ).toBe(0);
  }, 60_000);
});
