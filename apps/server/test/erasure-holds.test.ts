import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceScope } from '@flowgento/store';
import {
  ApiClient,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { deliverText, OWNER, REAL_NUMBER, setupOwner } from './flows.ts';

/**
 * Erasure as the compliance pieces meet it: a legal hold stops it, the
 * access log records it, and a data request's erasure runs the same service.
 */
let t: TestAppliance;
beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
});
afterAll(() => t.cleanup());

describe('erasing a contact', () => {
  it('is refused under a legal hold, changing nothing, and is in the access log once done', async () => {
    const owner = await setupOwner(() => t.running);
    await owner.mutate('whatsapp.save', REAL_NUMBER);
    await deliverText(t.running, { text: 'hold this', from: '15550004444' });
    const { store } = t.running.appliance;
    const [workspace] = store.workspaces.list();
    const scope = workspaceScope(workspace!.id);
    const contact = store.in(scope).contacts.all()[0]!;

    const hold = await owner.mutate<{ id: string }>('retention.placeHold', {
      contactId: contact.id,
      reason: 'Consumer court summons 51/2026',
    });
    const refused = await expectApiError(
      owner.mutate('contacts.erase', { contactId: contact.id, reason: 'DSR-3' }),
    );
    expect(refused.message).toContain('Consumer court summons 51/2026');
    expect(
      store
        .in(scope)
        .contacts.all()
        .map((c) => c.id),
    ).toEqual([contact.id]);

    await owner.mutate('retention.releaseHold', {
      holdId: hold.id,
      reason: 'Inquiry closed',
    });
    await owner.mutate('contacts.erase', { contactId: contact.id, reason: 'DSR-3' });
    expect(store.in(scope).contacts.all()).toEqual([]);
    const log = await owner.query<{ entries: { action: string; via: string }[] }>(
      'accessLog.list',
      { number: '+1 555 000 4444' },
    );
    expect(log.entries.map((e) => [e.action, e.via])).toContainEqual([
      'erase',
      'erasure',
    ]);
  });

  it('keeps a customer who writes again after the erasure through a restart; the ledger is for restores', async () => {
    await deliverText(t.running, { text: 'I am back', from: '15550004444' });
    await t.stop();
    await t.start();
    const { store } = t.running.appliance;
    const [workspace] = store.workspaces.list();
    const scoped = store.in(workspaceScope(workspace!.id));
    expect(scoped.contacts.all().map((c) => c.waId)).toEqual(['15550004444']);
    expect(scoped.conversations.list().map((c) => c.lastMessagePreview)).toEqual([
      'I am back',
    ]);
    const reapplied = store.db
      .prepare("SELECT count(*) FROM audit_log WHERE action = 'contact.erased'")
      .pluck()
      .get();
    expect(reapplied).toBe(1);
  });

  it('counts a hold on a conversation against erasing its contact, and a contact hold against deleting a conversation', async () => {
    const client = await signedInOwner();
    await deliverText(t.running, { text: 'second customer', from: '15550005555' });
    const { store } = t.running.appliance;
    const scoped = store.in(workspaceScope(store.workspaces.list()[0]!.id));
    const contact = scoped.contacts.all().find((c) => c.waId === '15550005555')!;
    const conversation = scoped.conversations
      .list()
      .find((c) => c.contact.id === contact.id)!;

    const onConversation = await client.mutate<{ id: string }>('retention.placeHold', {
      conversationId: conversation.id,
      reason: 'Chargeback dispute',
    });
    const erase = await expectApiError(
      client.mutate('contacts.erase', { contactId: contact.id, reason: 'DSR-4' }),
    );
    expect(erase.message).toContain('Chargeback dispute');
    await client.mutate('retention.releaseHold', {
      holdId: onConversation.id,
      reason: 'Inquiry closed',
    });

    await client.mutate('retention.placeHold', {
      contactId: contact.id,
      reason: 'Litigation 2026-17',
    });
    const remove = await expectApiError(
      client.mutate('inbox.delete', { conversationId: conversation.id }),
    );
    expect(remove.message).toContain('Litigation 2026-17');
    expect(scoped.conversations.get(conversation.id)).toBeDefined();
  });
});

async function signedInOwner() {
  const client = new ApiClient(() => t.running);
  await client.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
  return client;
}
