import { describe, expect, it } from 'vitest';
import { parseWebhook, webhookFixtures, type WebhookBatch } from '../src/index.ts';

const origin = { phoneNumberId: '42', displayPhoneNumber: '15550002222', wabaId: '7' };
const fixtures = new Map(webhookFixtures(origin).map((f) => [f.name, f.body]));

function batchOf(name: string): WebhookBatch {
  const result = parseWebhook(fixtures.get(name));
  if (!result.ok) throw new Error(result.issue);
  return result.batches[0]!;
}
const messageOf = (name: string) => batchOf(name).messages[0]!;

describe('every documented inbound kind reads into what an agent is shown', () => {
  it('parses every fixture', () => {
    for (const [name, body] of fixtures) {
      expect(parseWebhook(body), name).toMatchObject({ ok: true });
    }
  });

  it.each([
    ['location', 'location', 'Loja Centro, Rua Augusta 100, São Paulo'],
    ['contacts', 'contacts', 'Bruno Lima'],
    ['button_reply', 'interactive', 'Track order'],
    ['list_reply', 'interactive', 'Return an item, Within 30 days'],
    ['button', 'button', 'Yes, reschedule'],
    ['reaction', 'reaction', '👍'],
    ['order', 'order', 'Please deliver after 6pm'],
    ['system', 'system', 'Ana Souza changed from 5511987654321 to 5511912340000'],
    ['unsupported', 'unsupported', null],
    ['unknown', 'unsupported', null],
    ['sticker', 'media', null],
    ['document', 'media', 'Invoice'],
  ])('%s reads as %s with the words %j', (name, kind, text) => {
    const message = messageOf(name);
    expect(message.content.content.kind).toBe(kind);
    expect(message.text).toBe(text);
  });

  it('keeps the order lines with numbers, and the reacted-to message', () => {
    expect(messageOf('order').content.content).toMatchObject({
      items: [{ productId: 'SKU-42', quantity: 2, price: 49.9, currency: 'BRL' }],
    });
    expect(messageOf('reaction').content.content).toEqual({
      kind: 'reaction',
      emoji: '👍',
      messageId: 'wamid.FIXTURE.TEXT',
    });
  });

  it('keeps the error codes of a kind WhatsApp did not pass on', () => {
    expect(messageOf('unsupported').content.content).toEqual({
      kind: 'unsupported',
      type: 'unsupported',
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          details: 'Message type is currently not supported.',
        },
      ],
    });
    expect(messageOf('unknown').content.content).toMatchObject({
      type: 'hologram',
      errors: [{ code: 131051 }],
    });
  });

  it('reads the ad a customer came from and the message a reply answers', () => {
    expect(messageOf('referral').content.referral).toMatchObject({
      headline: 'Winter sale',
      sourceType: 'ad',
    });
    expect(messageOf('reply').contextMessageId).toBe('wamid.FIXTURE.OUT.DELIVERED');
  });

  it('reads a number change with the new number', () => {
    expect(messageOf('system').content.content).toMatchObject({
      event: 'user_changed_number',
      newWaId: '5511912340000',
    });
  });

  it('carries statuses with their pricing and errors, and no messages', () => {
    const batch = batchOf('status_failed');
    expect(batch.messages).toEqual([]);
    expect(batch.statuses[0]).toMatchObject({ status: 'failed', errorCode: 131026 });
    expect(batch.statuses[0]?.raw['pricing']).toMatchObject({ category: 'service' });
  });

  it('turns a malformed kind into unsupported instead of failing', () => {
    const body = structuredClone(fixtures.get('location')) as unknown as {
      entry: { changes: { value: { messages: Record<string, unknown>[] } }[] }[];
    };
    body.entry[0]!.changes[0]!.value.messages[0]!['location'] = 'not an object';
    const result = parseWebhook(body);
    if (!result.ok) throw new Error(result.issue);
    expect(result.batches[0]!.messages[0]!.content.content).toMatchObject({
      kind: 'unsupported',
      type: 'location',
    });
  });

  it('routes a field sent per account by its entry id', () => {
    expect(batchOf('account_update')).toMatchObject({
      kind: 'other',
      field: 'account_update',
      accountId: '7',
    });
  });
});
