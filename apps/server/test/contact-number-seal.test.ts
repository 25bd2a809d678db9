import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverText, REAL_NUMBER, setupOwner } from './flows.ts';
import { startTestAppliance, type ApiClient, type TestAppliance } from './harness.ts';
import { contactIdOf } from './sealed.ts';

/**
 * Numbers stored before migration 058 (or by a tool without the vault) are
 * plain text with no hash: the first start seals them before it serves, and
 * the customer writing again lands in the same conversation.
 */
let t: TestAppliance;
let owner: ApiClient;
const NUMBER = '5511900000077';

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  owner = await setupOwner(() => t.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
}, 60_000);
afterAll(() => t.cleanup());

const row = (id: string) =>
  t.running.appliance.store.db
    .prepare('SELECT wa_id AS waId, wa_hash AS waHash FROM contacts WHERE id = ?')
    .get(id) as { waId: string; waHash: string | null };

describe('a contact number stored in plain text', () => {
  it('is sealed and hashed at the next start, and its customer keeps one conversation', async () => {
    await deliverText(t.running, { text: 'first', from: NUMBER });
    const id = contactIdOf(t.running.appliance.store, NUMBER)!;
    expect(row(id).waId).toMatch(/^fgc1:/);
    // As a database from before the seal holds it.
    t.running.appliance.store.db
      .prepare('UPDATE contacts SET wa_id = ?, wa_hash = NULL WHERE id = ?')
      .run(NUMBER, id);

    await t.stop();
    await t.start();
    const sealed = row(id);
    expect(sealed.waId).toMatch(/^fgc1:/);
    expect(sealed.waId).not.toContain(NUMBER);
    expect(sealed.waHash).toMatch(/^[0-9a-f]{64}$/);

    await deliverText(t.running, { text: 'second', from: NUMBER });
    const list =
      await owner.query<{ contact: { id: string; waId: string } }[]>(
        'inbox.conversations',
      );
    expect(list.map((c) => c.contact)).toEqual([
      expect.objectContaining({ id, waId: NUMBER }),
    ]);
  }, 60_000);
});
