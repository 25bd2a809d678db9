import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import {
  expectApiError,
  startTestAppliance,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import { contactIdOf } from './sealed.ts';

/**
 * `requests.correctContact` of a contact under a legal hold. A hold keeps
 * the contact as it is for the court, yet a correction changed its name.
 */

const NUMBER = '15550008888';
let t: TestAppliance;
let owner: ApiClient;
let contactId: string;

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await deliverText(t.running, { text: 'hello', from: NUMBER });
  contactId = contactIdOf(t.running.appliance.store, NUMBER)!;
  await owner.mutate('retention.placeHold', {
    contactId,
    reason: 'Consumer court summons 52/2026',
  });
}, 60_000);

afterAll(() => t.cleanup());

describe('a correction of a contact under a legal hold', () => {
  it('is refused naming the hold, changes nothing, and is audited as rule.refused', async () => {
    const before = await owner.query<{ profileName: string }>('requests.findContact', {
      waId: NUMBER,
    });
    const refused = await expectApiError(
      owner.mutate('requests.correctContact', { contactId, profileName: 'Someone Else' }),
    );
    expect(refused).toMatchObject({ status: 412, reason: 'legal_hold_active' });
    expect(refused.message).toContain('Consumer court summons 52/2026');

    const after = await owner.query<{ profileName: string }>('requests.findContact', {
      waId: NUMBER,
    });
    expect(after.profileName).toBe(before.profileName);
    const db = t.running.appliance.store.db;
    expect(
      db
        .prepare(`SELECT count(*) FROM audit_log WHERE action = 'contact.corrected'`)
        .pluck()
        .get(),
    ).toBe(0);
    expect(
      db
        .prepare(
          `SELECT action, json_extract(details_json, '$.rule') FROM audit_log
           ORDER BY seq DESC LIMIT 1`,
        )
        .raw()
        .get(),
    ).toEqual(['rule.refused', 'legal_hold_active']);
  }, 60_000);
});
