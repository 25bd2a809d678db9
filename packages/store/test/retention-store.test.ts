import { afterEach, describe, expect, it } from 'vitest';
import { workspaceScope, type Store } from '../src/index.ts';
import { saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

const DAY = 86_400_000;

function workspace(store: Store, name: string, phoneNumberId: string) {
  const ws = store.workspaces.create(name);
  const scoped = store.in(workspaceScope(ws.id));
  const number = saveTestNumber(scoped, { phoneNumberId, verifyTokenHash: name });
  const conversation = (waId: string, at: number) => {
    const contactId = scoped.contacts.upsert(waId, null);
    return { contactId, id: scoped.conversations.touchInbound(number.id, contactId, at) };
  };
  return { scoped, conversation };
}

describe('retention in the encrypted database', () => {
  it('reaches only conversations older than the cutoff that no legal hold covers', () => {
    env = tempDatabase();
    const store = env.open();
    const a = workspace(store, 'A', '1001');
    const b = workspace(store, 'B', '1002');
    const old = a.conversation('15550001', 1 * DAY);
    const heldByContact = a.conversation('15550002', 2 * DAY);
    const heldByConversation = a.conversation('15550003', 3 * DAY);
    a.conversation('15550004', 40 * DAY);
    b.conversation('15550005', 1 * DAY);

    a.scoped.legalHolds.add({ contactId: heldByContact.contactId }, 'Court order', 'u');
    const hold = a.scoped.legalHolds.add(
      { conversationId: heldByConversation.id },
      'Tax inquiry',
      'u',
    );

    expect(a.scoped.retention.expiredConversations(10 * DAY)).toEqual([old.id]);
    expect(a.scoped.legalHolds.activeFor({ conversationId: heldByContact.id })).toEqual([
      expect.objectContaining({ reason: 'Court order' }),
    ]);

    expect(a.scoped.legalHolds.release(hold.id, 'u')).toBe(true);
    expect(a.scoped.legalHolds.release(hold.id, 'u')).toBe(false);
    expect(a.scoped.retention.expiredConversations(10 * DAY)).toEqual([
      old.id,
      heldByConversation.id,
    ]);
    // Another workspace's hold list and conversations are out of reach.
    expect(b.scoped.legalHolds.get(hold.id)).toBeUndefined();
  });

  it('counts a contact inactive by what they wrote, not by what was sent to them', () => {
    env = tempDatabase();
    const store = env.open();
    const a = workspace(store, 'A', '1001');
    const cutoff = store.clock.now() + 1;
    const quiet = a.conversation('15550001', 1 * DAY);
    a.conversation('15550002', cutoff + DAY);
    a.scoped.conversations.touchOutbound(quiet.id, cutoff + 2 * DAY);

    expect(a.scoped.retention.inactiveContacts(cutoff)).toEqual([quiet.contactId]);
    expect(a.scoped.retention.inboundCount(quiet.contactId)).toBe(1);
  });
});
