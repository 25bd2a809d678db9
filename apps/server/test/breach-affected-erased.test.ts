import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE_MS } from '@flowgento/core';
import {
  startTestAppliance,
  TestClock,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { contactIdOf } from './sealed.ts';

/**
 * "Find affected" counts as erased since the breach only the people erased
 * after it became known; one erased before is counted apart, so the Board
 * report never says a person was erased after the breach who was gone
 * before it was logged (review of issue #8).
 */
const clock = new TestClock();
let t: TestAppliance;
let owner: ApiClient;
const ASHA = '15550003333';
const BEN = '15550004444';
const CHLOE = '15550005555';

interface Affected {
  resolved: number;
  erased: number;
  erasedBefore: number;
}

beforeAll(async () => {
  t = await startTestAppliance({}, { clock });
  owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  for (const from of [ASHA, BEN, CHLOE])
    await deliverText(t.running, { text: 'Is my parcel on its way?', from });
  // The owner reads all three: the access log notes each read.
  const conversations = await owner.query<{ id: string }[]>('inbox.conversations', {});
  for (const { id } of conversations)
    await owner.query('inbox.conversation', { conversationId: id });
});
afterAll(() => t.cleanup());

const erase = (waId: string) =>
  owner.mutate('contacts.erase', {
    contactId: contactIdOf(t.running.appliance.store, waId),
    reason: `Erasure request from ${waId}`,
  });

describe('finding the people a breach affected, with some of them erased', () => {
  it('counts as erased since the breach only those erased after it became known', async () => {
    clock.freeze();
    await erase(ASHA);
    clock.advance(MINUTE_MS);
    const { id: breachId } = await owner.mutate<{ id: string }>('breaches.record', {
      title: 'Owner session hijacked',
      awareAt: clock.now(),
      occurredAt: clock.now() - 30 * MINUTE_MS,
      nature: 'The owner session cookie was stolen',
      categories: 'names, numbers, messages',
      systems: 'owner browser session',
      measures: 'sessions revoked',
      contactPoint: 'privacy@acme.test',
    });
    clock.advance(MINUTE_MS);
    await erase(BEN);

    const found = await owner.mutate<Affected & { resolved: { waId: string }[] }>(
      'breaches.findAffected',
      { breachId, from: 0, to: clock.now(), memberIds: [], actions: ['read'] },
    );
    expect(found.resolved.map((c) => c.waId)).toEqual([CHLOE]);
    expect(found).toMatchObject({ erased: 1, erasedBefore: 1 });
    // The audit entry of the lookup keeps both counts (counts only).
    const [entry] = t.running.appliance.store.db
      .prepare(
        `SELECT details_json FROM audit_log WHERE action = 'breach.affected_found'
         ORDER BY rowid DESC LIMIT 1`,
      )
      .pluck()
      .all() as string[];
    expect(JSON.parse(entry!)).toMatchObject({ resolved: 1, erased: 1, erasedBefore: 1 });

    const view = await owner.query<{
      affected: Affected;
      drafts: { board: { key: string; text: string }[] };
    }>('breaches.get', { breachId });
    expect(view.affected).toMatchObject({ resolved: 1, erased: 1, erasedBefore: 1 });
    expect(view.drafts.board.find((f) => f.key === 'board.notices')!.text).toBe(
      'Affected: 3 people (1 of them erased since the breach became known; ' +
        '1 erased before it became known).',
    );
    const notices = await owner.mutate<{ notices: unknown[] } & Affected>(
      'breaches.exportNotices',
      { breachId },
    );
    expect(notices).toMatchObject({ erased: 1, erasedBefore: 1 });
    expect(notices.notices).toHaveLength(1);
  });
});
