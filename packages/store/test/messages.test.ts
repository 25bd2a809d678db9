import { afterEach, describe, expect, it } from 'vitest';
import { workspaceScope, type Store } from '../src/index.ts';
import { saveTestNumber } from './seed.ts';
import { tempDatabase } from './temp-db.ts';

let env: ReturnType<typeof tempDatabase>;
afterEach(() => env?.cleanup());

function seed(store: Store) {
  const ws = store.workspaces.create('Acme');
  const scoped = store.in(workspaceScope(ws.id));
  const number = saveTestNumber(scoped);
  numberId = number.id;
  const contactId = scoped.contacts.upsert('15550001111', 'Ana');
  const conversationId = scoped.conversations.touchInbound(number.id, contactId, 1000);
  const user = store.users.create({
    email: 'a@x.test',
    displayName: 'A',
    passwordHash: 'x',
  });
  return { ws, scoped, conversationId, user, numberId: number.id };
}

let numberId = '';
const status = (
  waMessageId: string,
  value: string,
  at: number,
  errorCode: number | null = null,
) => ({
  numberId,
  waMessageId,
  status: value,
  occurredAt: at,
  recipientId: '15550001111',
  errorCode,
  errorTitle: errorCode ? 'Undeliverable' : null,
  rawJson: '{}',
});

describe('message storage', () => {
  it('stores an inbound message once per WhatsApp id', () => {
    env = tempDatabase();
    const { scoped, conversationId } = seed(env.open());
    const write = {
      conversationId,
      waMessageId: 'wamid.1',
      type: 'text',
      body: 'hello',
      rawJson: '{}',
      replyToWaMessageId: null,
      occurredAt: 1000,
    };
    expect(scoped.messages.insertInbound(write)).not.toBeNull();
    expect(scoped.messages.insertInbound(write)).toBeNull();
    expect(scoped.messages.count()).toBe(1);
  });

  it('moves statuses forward only: a late delivered or failed does not undo read', () => {
    env = tempDatabase();
    const { scoped, conversationId, user } = seed(env.open());
    const id = scoped.messages.insertOutbound({
      conversationId,
      body: 'hi',
      sentBy: user.id,
      rawJson: '{}',
    });
    scoped.messages.markAccepted(id, 'wamid.out');

    scoped.messages.applyStatus(status('wamid.out', 'read', 3000));
    scoped.messages.applyStatus(status('wamid.out', 'delivered', 2000));
    scoped.messages.applyStatus(status('wamid.out', 'failed', 4000, 131026));
    expect(scoped.messages.get(id)?.status).toBe('read');
  });

  it('keeps failed with its code, and never shows it as delivered afterwards', () => {
    env = tempDatabase();
    const { scoped, conversationId, user } = seed(env.open());
    const id = scoped.messages.insertOutbound({
      conversationId,
      body: 'hi',
      sentBy: user.id,
      rawJson: '{}',
    });
    scoped.messages.markAccepted(id, 'wamid.out');

    scoped.messages.applyStatus(status('wamid.out', 'failed', 4000, 131026));
    scoped.messages.applyStatus(status('wamid.out', 'delivered', 5000));
    const message = scoped.messages.get(id);
    expect(message?.status).toBe('failed');
    expect(message?.errorCode).toBe(131026);
  });

  it('ends in the same status whatever order the same reports arrive in', () => {
    env = tempDatabase();
    const { scoped, conversationId, user } = seed(env.open());
    const reports = [
      status('wamid.x', 'sent', 1000),
      status('wamid.x', 'failed', 2000, 131026),
      status('wamid.x', 'delivered', 3000),
    ];
    const outcomes = [
      reports,
      [...reports].reverse(),
      [reports[2]!, reports[0]!, reports[1]!],
    ].map((order, index) => {
      const wamid = `wamid.order${index}`;
      const id = scoped.messages.insertOutbound({
        conversationId,
        body: 'hi',
        sentBy: user.id,
        rawJson: '{}',
      });
      scoped.messages.markAccepted(id, wamid);
      for (const report of order)
        scoped.messages.applyStatus({ ...report, waMessageId: wamid });
      const message = scoped.messages.get(id);
      return [message?.status, message?.errorCode, message?.statusAt];
    });
    expect(outcomes).toEqual(Array(3).fill(['failed', 131026, 2000]));
  });

  it('ignores a status reported for the message by another number', () => {
    env = tempDatabase();
    const store = env.open();
    const { scoped, conversationId, user } = seed(store);
    const other = scoped.numbers.save({
      phoneNumberId: '3003',
      businessAccountId: '4004',
      displayPhoneNumber: '+1 555 0101',
      wrapAccessToken: () => Buffer.from('a'),
      wrapAppSecret: () => Buffer.from('b'),
      wrapVerifyToken: () => Buffer.from('c'),
      verifyTokenHash: 'h2',
      simulated: false,
    });
    const id = scoped.messages.insertOutbound({
      conversationId,
      body: 'hi',
      sentBy: user.id,
      rawJson: '{}',
    });
    scoped.messages.markAccepted(id, 'wamid.out');

    scoped.messages.applyStatus({
      ...status('wamid.out', 'read', 3000),
      numberId: other.id,
    });
    expect(scoped.messages.get(id)?.status).toBe('sent');
  });

  it('applies a status that arrived before Meta accepted the send', () => {
    env = tempDatabase();
    const { scoped, conversationId, user } = seed(env.open());
    scoped.messages.applyStatus(status('wamid.early', 'delivered', 2000));
    const id = scoped.messages.insertOutbound({
      conversationId,
      body: 'hi',
      sentBy: user.id,
      rawJson: '{}',
    });
    scoped.messages.markAccepted(id, 'wamid.early');
    expect(scoped.messages.get(id)?.status).toBe('delivered');
  });

  it('never shows one workspace the messages of another', () => {
    env = tempDatabase();
    const store = env.open();
    const { scoped, conversationId } = seed(store);
    scoped.messages.insertInbound({
      conversationId,
      waMessageId: 'wamid.2',
      type: 'text',
      body: 'private',
      rawJson: '{}',
      replyToWaMessageId: null,
      occurredAt: 1,
    });
    const other = store.in(workspaceScope(store.workspaces.create('Other').id));
    expect(other.conversations.list()).toEqual([]);
    expect(other.messages.listForConversation(conversationId)).toEqual([]);
    expect(other.conversations.get(conversationId)).toBeUndefined();
  });
});
