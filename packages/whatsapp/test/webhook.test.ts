import { describe, expect, it } from 'vitest';
import {
  buildStatusWebhook,
  buildTextWebhook,
  parseWebhook,
  type WebhookBatch,
} from '../src/index.ts';
import {
  accountUpdateWebhook,
  imageWebhook,
  statusesWebhook,
  textWebhook,
  unsupportedWebhook,
  valueErrorsWebhook,
} from './support/fixtures.ts';

function onlyBatch(json: unknown): WebhookBatch {
  const result = parseWebhook(json);
  if (!result.ok) throw new Error(result.issue);
  expect(result.batches).toHaveLength(1);
  return result.batches[0]!;
}

describe('parseWebhook on documented payloads', () => {
  it('reads a text message with its contact, reply context and metadata', () => {
    const batch = onlyBatch(textWebhook);
    expect(batch).toMatchObject({
      kind: 'messages',
      phoneNumberId: '109876543210',
      displayPhoneNumber: '15550001111',
      contacts: [{ waId: '5511987654321', profileName: 'Ana Souza' }],
    });
    expect(batch.messages).toEqual([
      {
        waMessageId: 'wamid.TEXT001',
        from: '5511987654321',
        timestampMs: 1_750_000_000_000,
        type: 'text',
        text: 'Is my order on its way?',
        content: {
          content: { kind: 'text', body: 'Is my order on its way?' },
          referral: null,
          forwarded: false,
        },
        contextMessageId: 'wamid.BUSINESS001',
        media: null,
        raw: textWebhook.entry[0]!.changes[0]!.value.messages[0],
      },
    ]);
  });

  it('reads an image message: its caption as text, its media id to fetch, raw kept', () => {
    const [message] = onlyBatch(imageWebhook).messages;
    expect(message).toMatchObject({
      type: 'image',
      text: 'The box arrived like this',
      contextMessageId: null,
      media: {
        kind: 'image',
        mediaId: '1234567890123456',
        mimeType: 'image/jpeg',
        caption: 'The box arrived like this',
        filename: null,
      },
    });
    expect(message?.raw['image']).toMatchObject({
      id: '1234567890123456',
      mime_type: 'image/jpeg',
    });
  });

  it('accepts a message type it has never heard of', () => {
    const [message] = onlyBatch(unsupportedWebhook).messages;
    expect(message).toMatchObject({ type: 'unsupported', text: null });
    expect(message?.raw['errors']).toHaveLength(1);
  });

  it('reads delivered, failed and unknown statuses, with the error of a failure', () => {
    const { statuses } = onlyBatch(statusesWebhook);
    expect(statuses.map((s) => [s.status, s.errorCode, s.errorTitle])).toEqual([
      ['delivered', null, null],
      ['failed', 131026, 'Message undeliverable'],
      ['played', null, null],
    ]);
    expect(statuses[0]).toMatchObject({
      waMessageId: 'wamid.BUSINESS001',
      recipientId: '5511987654321',
      timestampMs: 1_750_000_200_000,
    });
    expect(statuses[0]?.raw['pricing']).toMatchObject({ pricing_model: 'PMP' });
  });

  it('reads errors reported on the value itself', () => {
    const batch = onlyBatch(valueErrorsWebhook);
    expect(batch.errors).toEqual([
      {
        code: 130429,
        title: 'Rate limit hit',
        message: 'Rate limit hit',
        raw: valueErrorsWebhook.entry[0]!.changes[0]!.value.errors[0],
      },
    ]);
    expect(batch.messages).toEqual([]);
    expect(batch.statuses).toEqual([]);
  });

  it('returns a change of another field as kind other, with its value untouched', () => {
    const batch = onlyBatch(accountUpdateWebhook);
    expect(batch).toMatchObject({ kind: 'other', field: 'account_update', messages: [] });
    expect(batch.rawValue).toEqual(accountUpdateWebhook.entry[0]!.changes[0]!.value);
  });

  it('keeps unknown fields instead of rejecting them', () => {
    const json = structuredClone(textWebhook) as typeof textWebhook &
      Record<string, unknown>;
    const message = json.entry[0]!.changes[0]!.value.messages[0] as Record<
      string,
      unknown
    >;
    message['future_field'] = { anything: true };
    expect(onlyBatch(json).messages[0]?.raw['future_field']).toEqual({ anything: true });
  });

  it('round-trips the simulator builders', () => {
    const common = { phoneNumberId: '42', displayPhoneNumber: '15550002222' };
    const text = onlyBatch(
      buildTextWebhook({
        ...common,
        waMessageId: 'wamid.SIM1',
        from: '4915112345678',
        profileName: 'Jo',
        text: 'hi',
      }),
    );
    expect(text.messages[0]).toMatchObject({ text: 'hi', from: '4915112345678' });
    expect(text.contacts).toEqual([{ waId: '4915112345678', profileName: 'Jo' }]);

    const failed = onlyBatch(
      buildStatusWebhook({
        ...common,
        waMessageId: 'wamid.SIM1',
        status: 'failed',
        recipientId: '4915112340000',
        error: { code: 131026, title: 'Message undeliverable' },
      }),
    );
    expect(failed.statuses[0]).toMatchObject({ status: 'failed', errorCode: 131026 });
  });
});

describe('parseWebhook on malformed payloads', () => {
  it('names the path of a missing phone_number_id', () => {
    const json = structuredClone(textWebhook) as {
      entry: { changes: { value: any }[] }[];
    };
    delete json.entry[0]!.changes[0]!.value.metadata.phone_number_id;
    expect(parseWebhook(json)).toEqual({
      ok: false,
      issue: 'entry.0.changes.0.value.metadata.phone_number_id: expected string',
    });
  });

  it('names the object field when the payload is not from WhatsApp', () => {
    expect(parseWebhook({ object: 'page', entry: [] })).toEqual({
      ok: false,
      issue: 'object: expected "whatsapp_business_account"',
    });
  });

  it('sets apart a status whose timestamp is not a string of seconds, keeping the rest', () => {
    const json = structuredClone(statusesWebhook) as {
      entry: { changes: { value: any }[] }[];
    };
    json.entry[0]!.changes[0]!.value.statuses[1].timestamp = 1750000201;
    const result = parseWebhook(json);
    if (!result.ok) throw new Error(result.issue);
    const [batch] = result.batches;
    expect(batch?.statuses).toHaveLength(
      json.entry[0]!.changes[0]!.value.statuses.length - 1,
    );
    expect(batch?.invalid).toEqual([
      {
        issue: 'entry.0.changes.0.value.statuses.1.timestamp: expected string',
        issueInList: 'statuses.timestamp: expected string',
        raw: json.entry[0]!.changes[0]!.value.statuses[1],
      },
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(parseWebhook('hello')).toEqual({ ok: false, issue: 'body: expected object' });
    expect(parseWebhook(null)).toEqual({ ok: false, issue: 'body: expected object' });
  });
});

describe('parseWebhook speed', () => {
  it('parses 15,000 small payloads well within a second', () => {
    const started = performance.now();
    for (let i = 0; i < 15_000; i += 1) {
      if (!parseWebhook(i % 2 === 0 ? textWebhook : statusesWebhook).ok)
        throw new Error('parse');
    }
    // Generous bound for slow CI machines; locally this takes a fraction of it.
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
