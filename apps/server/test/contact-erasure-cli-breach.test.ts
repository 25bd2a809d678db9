import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, folderFlags } from './cli-run.ts';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { contactIdOf, contactNumbers } from './sealed.ts';

/**
 * `flowgento contacts erase` of a contact an open breach affects (its
 * people not yet told). The web page warns and asks to confirm; the command
 * line erased at once, so the person could no longer be sent the notice.
 */

const HOUR_MS = 3_600_000;
const NUMBER = '15550007777';
let t: TestAppliance;
let workspace: string;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  const owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await deliverText(t.running, { text: 'my order', from: NUMBER });
  const [conversation] = await owner.query<{ id: string }[]>('inbox.conversations');
  await owner.query('inbox.conversation', { conversationId: conversation!.id });
  const { id: breachId } = await owner.mutate<{ id: string }>('breaches.record', {
    title: 'Inbox left open at the front desk',
    awareAt: Date.now() - HOUR_MS,
    occurredAt: null,
    nature: 'The inbox was seen by a visitor',
    categories: 'messages',
    systems: 'front desk',
    measures: 'screen lock enforced',
    contactPoint: 'privacy@acme.test',
  });
  await owner.mutate('breaches.findAffected', {
    breachId,
    from: 0,
    to: Date.now(),
    memberIds: [],
    actions: ['read'],
  });
  workspace = t.running.appliance.store.workspaces.list()[0]!.name;
  await t.stop();
}, 60_000);

afterAll(() => t.cleanup());

const erase = (...extra: string[]) =>
  runCli([
    'contacts',
    'erase',
    '--workspace',
    workspace,
    '--number',
    NUMBER,
    '--reason',
    'letter of 3 May',
    ...extra,
    ...folderFlags(t),
  ]);

/** The `rule.refused` entries' details, oldest first. */
function refusals(): string[] {
  return t.running.appliance.store.db
    .prepare(
      `SELECT details_json FROM audit_log WHERE action = 'rule.refused'
         AND target_id = 'flowgento contacts erase' ORDER BY seq`,
    )
    .pluck()
    .all() as string[];
}

describe('flowgento contacts erase of a contact an open breach affects', () => {
  it('refuses without --acknowledge-open-breach, audited, and erases with it', async () => {
    const refused = await erase();
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('open breach (Inbox left open at the front desk)');
    expect(refused.stderr).toContain('--acknowledge-open-breach');
    expect(refused.stderr).not.toMatch(/\n\s+at /);

    await t.start();
    expect(contactNumbers(t.running.appliance.store)).toEqual([NUMBER]);
    expect(refusals()).toEqual([JSON.stringify({ rule: 'open_breach_affects_contact' })]);
    await t.stop();

    const erased = await erase('--acknowledge-open-breach');
    expect(erased.stderr).toBe('');
    expect(erased.code).toBe(0);
    expect(erased.stdout).toContain('Erased the contact');

    await t.start();
    expect(contactIdOf(t.running.appliance.store, NUMBER)).toBeUndefined();
    expect(refusals()).toHaveLength(1);
  }, 90_000);
});
