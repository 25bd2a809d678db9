import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAppliance } from '../src/server.ts';
import { setupOwner } from './flows.ts';
import {
  expectApiError,
  startTestAppliance,
  type ApiClient,
  type TestAppliance,
} from './harness.ts';

/**
 * The legal holds on the Retention page say whom they keep (name and masked
 * number), and a hold is released only with a reason, which the audit log
 * keeps (review of issue #8).
 */
let t: TestAppliance;
let owner: ApiClient;
const app = (): RunningAppliance => t.running;
const FROM = '5511977701234';

interface ListedHold {
  id: string;
  reason: string;
  releasedAt: number | null;
  contact: { name: string | null; maskedNumber: string | null } | null;
}

beforeAll(async () => {
  t = await startTestAppliance();
  owner = await setupOwner(app);
  const { phoneNumberId } = await owner.mutate<{ phoneNumberId: string }>(
    'whatsapp.connectSimulator',
  );
  await app().simulator!.sendCustomerMessage({
    phoneNumberId,
    from: FROM,
    profileName: 'Dora Reis',
    text: 'Hello',
  });
});
afterAll(() => t.cleanup());

const holds = async () =>
  (await owner.query<{ holds: ListedHold[] }>('retention.overview')).holds;

describe('the legal holds list', () => {
  it('names the contact a conversation hold keeps, with the number masked', async () => {
    const [conversation] = await owner.query<{ id: string }[]>('inbox.conversations');
    const hold = await owner.mutate<{ id: string }>('retention.placeHold', {
      conversationId: conversation!.id,
      reason: 'Tax audit',
    });
    const [listed] = await holds();
    expect(listed).toMatchObject({
      id: hold.id,
      reason: 'Tax audit',
      contact: { name: 'Dora Reis', maskedNumber: '+•••••••••1234' },
    });
    expect(JSON.stringify(await holds())).not.toContain(FROM);
  });

  it('releases a hold only with a reason, and the audit entry keeps it', async () => {
    const [listed] = await holds();
    const missing = await expectApiError(
      owner.mutate('retention.releaseHold', { holdId: listed!.id, reason: ' ' }),
    );
    expect(missing).toMatchObject({ code: 'BAD_REQUEST' });
    expect(missing.message).toMatch(/Say why the hold is released/);
    const short = await expectApiError(
      owner.mutate('retention.releaseHold', { holdId: listed!.id, reason: 'ok' }),
    );
    expect(short.message).toMatch(/The reason is too short/);
    expect((await holds())[0]!.releasedAt).toBeNull();

    await owner.mutate('retention.releaseHold', {
      holdId: listed!.id,
      reason: 'The tax audit is closed',
    });
    expect((await holds())[0]!.releasedAt).not.toBeNull();
    const details = app()
      .appliance.store.db.prepare(
        `SELECT details_json FROM audit_log WHERE action = 'legal_hold.released'`,
      )
      .pluck()
      .get() as string;
    expect(JSON.parse(details)).toEqual({ reason: 'The tax audit is closed' });
  });

  it('refuses a second hold on a held conversation, naming the first', async () => {
    const [conversation] = await owner.query<{ id: string }[]>('inbox.conversations');
    const first = await owner.mutate<{ id: string }>('retention.placeHold', {
      conversationId: conversation!.id,
      reason: 'Chargeback dispute',
    });
    const before = await holds();
    const second = await expectApiError(
      owner.mutate('retention.placeHold', {
        conversationId: conversation!.id,
        reason: 'Another dispute',
      }),
    );
    expect(second).toMatchObject({ code: 'CONFLICT', reason: 'legal_hold_exists' });
    expect(second.message).toBe(
      `This conversation already has an active legal hold (${first.id}): Chargeback dispute`,
    );
    expect(await holds()).toEqual(before);
  });

  it('says in plain words how long a hold reason must be', async () => {
    const [conversation] = await owner.query<{ id: string }[]>('inbox.conversations');
    const before = await holds();
    const short = await expectApiError(
      owner.mutate('retention.placeHold', {
        conversationId: conversation!.id,
        reason: 'ab',
      }),
    );
    expect(short).toMatchObject({ code: 'BAD_REQUEST' });
    expect(short.message).toBe('Reason must be at least 3 characters');
    expect(await holds()).toEqual(before);
  });
});
