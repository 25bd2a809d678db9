import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceScope, type ContactVault } from '@flowgento/store';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';

/**
 * The reasons staff type for an erasure or a legal hold outlive the
 * contact (audit log, erasure ledger, the hold itself), so nothing erasure
 * must remove may be kept in them: they are masked before they are stored.
 */
let t: TestAppliance;
beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
});
afterAll(() => t.cleanup());

const NUMBER = '15550007777';
/** Personal data a reason must not keep: deliverText's profile name too. */
const PERSONAL = [/eve@example/i, /Mallory/, /Carla/, /Customer/, /7777/, /7700/];

function auditReasons(action: string): string[] {
  return (
    t.running.appliance.store.db
      .prepare('SELECT details_json FROM audit_log WHERE action = ?')
      .pluck()
      .all(action) as string[]
  ).map((json) => (JSON.parse(json) as { reason: string }).reason);
}

function expectNoPersonalData(text: string | undefined): void {
  expect(text).toBeDefined();
  for (const pattern of PERSONAL) expect(text).not.toMatch(pattern);
}

describe('reasons for an erasure or a legal hold', () => {
  it('keep no e-mail, number or name in the audit log, the ledger or the hold', async () => {
    const owner = await setupOwner(() => t.running);
    await owner.mutate('whatsapp.save', REAL_NUMBER);
    await deliverText(t.running, { text: 'please forget me', from: NUMBER });
    const { store } = t.running.appliance;
    const [workspace] = store.workspaces.list();
    const scope = workspaceScope(workspace!.id);
    const contact = store.in(scope).contacts.all()[0]!;

    const hold = await owner.mutate<{ id: string }>('retention.placeHold', {
      contactId: contact.id,
      reason: 'Carla disputes order 4411 (carla at mail dot example), +1 555 000 7777',
    });
    expectNoPersonalData(store.in(scope).legalHolds.list()[0]?.reason);
    expectNoPersonalData(auditReasons('legal_hold.placed')[0]);
    expect(auditReasons('legal_hold.placed')[0]).toContain('order 4411');
    await owner.mutate('retention.releaseHold', {
      holdId: hold.id,
      reason: 'Settled with Eve Mallory, eve@example.test',
    });
    expectNoPersonalData(auditReasons('legal_hold.released')[0]);

    await owner.mutate('contacts.erase', {
      contactId: contact.id,
      reason:
        'Eve Mallory (eve@example.test) asked by phone, call back on +44 7700 900123',
    });
    const erased = auditReasons('contact.erased')[0];
    expectNoPersonalData(erased);
    expect(erased).toContain('asked by phone');
    expect(erased).toContain('[e-mail address withheld]');
    const ledger = (store.contactKeys as ContactVault).entries();
    expect(ledger).toHaveLength(1);
    expectNoPersonalData(ledger[0]!.reason);
    expect(ledger[0]!.reason).toBe(erased);
  });
});
