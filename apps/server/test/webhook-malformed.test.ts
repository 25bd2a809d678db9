import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REAL_NUMBER, postSigned, setupOwner } from './flows.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';
import { keptValues } from './sealed.ts';

let t: TestAppliance;
const app = () => t.running;

beforeEach(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  const owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
});
afterEach(() => t.cleanup());

const db = () => t.running.appliance.store.db;
const storedWamids = () =>
  db().prepare('SELECT wa_message_id FROM messages ORDER BY 1').pluck().all() as string[];
const keptInvalid = () =>
  keptValues(t.running.appliance.store, 'messages.invalid').map(
    (json) => JSON.parse(json) as { issue: string; element: unknown },
  );

function text(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    from: '15550001111',
    timestamp: '1750000000',
    type: 'text',
    text: { body: `body of ${id}` },
    ...overrides,
  };
}

/** A signed `messages` delivery for the configured number with `value` lists. */
function deliver(value: Record<string, unknown>) {
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: REAL_NUMBER.displayPhoneNumber,
                phone_number_id: REAL_NUMBER.phoneNumberId,
              },
              contacts: [{ wa_id: '15550001111', profile: { name: 'Carla' } }],
              ...value,
            },
          },
        ],
      },
    ],
  };
  return postSigned(app(), Buffer.from(JSON.stringify(body)), REAL_NUMBER.appSecret);
}

describe('a delivery with one malformed element', () => {
  it.each([
    ['an empty timestamp', { timestamp: '' }, 'messages.timestamp'],
    ['no message id', { id: undefined }, 'messages.id'],
    ['a sender that is not a WhatsApp id', { from: '<script>' }, 'messages.from'],
  ])(
    'stores the valid message beside one with %s, and keeps the bad one',
    async (_, bad, path) => {
      const reply = await deliver({
        messages: [text('wamid.GOOD1'), text('wamid.BAD1', bad)],
      });

      expect(reply.status).toBe(200);
      expect(storedWamids()).toEqual(['wamid.GOOD1']);
      const [kept] = keptInvalid();
      expect(kept?.issue).toMatch(new RegExp(`^${path}:`));
      expect(kept?.element).toMatchObject({ type: 'text' });
    },
  );

  it('stores the messages when an error element has a string code', async () => {
    const reply = await deliver({
      messages: [text('wamid.GOOD2')],
      errors: [{ code: '131000', title: 'Something went wrong' }],
    });

    expect(reply.status).toBe(200);
    expect(storedWamids()).toEqual(['wamid.GOOD2']);
    expect(keptInvalid().map((k) => k.issue)).toEqual(['errors.code: expected number']);
  });

  it('keeps a repeated malformed element once and does not log its content', async () => {
    const bad = text('wamid.BAD2', {
      timestamp: 'yesterday',
      text: { body: 'secret words' },
    });
    expect((await deliver({ messages: [bad] })).status).toBe(200);
    expect((await deliver({ messages: [bad] })).status).toBe(200);

    expect(storedWamids()).toEqual([]);
    expect(keptInvalid()).toHaveLength(1);
    expect(t.logs.text).toContain('webhook_invalid_element');
    expect(t.logs.text).not.toContain('secret words');
  });

  it('keeps one bad element once wherever in a delivery it arrives', async () => {
    const bad = text('wamid.BADPLACE', { timestamp: '' });
    expect((await deliver({ messages: [bad] })).status).toBe(200);
    expect((await deliver({ messages: [text('wamid.GOOD3'), bad] })).status).toBe(200);
    const twoChanges = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [0, 1].map((n) => ({
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: {
                display_phone_number: REAL_NUMBER.displayPhoneNumber,
                phone_number_id: REAL_NUMBER.phoneNumberId,
              },
              messages: n === 0 ? [text('wamid.GOOD4')] : [bad],
            },
          })),
        },
      ],
    };
    const reply = await postSigned(
      app(),
      Buffer.from(JSON.stringify(twoChanges)),
      REAL_NUMBER.appSecret,
    );

    expect(reply.status).toBe(200);
    expect(storedWamids()).toEqual(['wamid.GOOD3', 'wamid.GOOD4']);
    expect(keptInvalid()).toEqual([
      { issue: 'messages.timestamp: expected string of seconds', element: bad },
    ]);
  });

  it('still refuses a body that is not a WhatsApp webhook at all', async () => {
    const body = Buffer.from(JSON.stringify({ object: 'page', entry: [] }));
    const reply = await postSigned(app(), body, REAL_NUMBER.appSecret);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/object/);
  });
});

describe('a deeply nested delivery', () => {
  /** A valid message carrying an unknown field nested `depth` levels deep. */
  function nested(depth: number) {
    const deep = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const message = JSON.stringify(text('wamid.DEEP')).replace(
      /}$/,
      `,"unknown_field":${deep}}`,
    );
    const body =
      `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages",` +
      `"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"${REAL_NUMBER.displayPhoneNumber}",` +
      `"phone_number_id":"${REAL_NUMBER.phoneNumberId}"},"messages":[${message}]}}]}]}`;
    return Buffer.from(body);
  }

  it('is refused with a clear 400 before any processing, storing nothing', async () => {
    const body = nested(100_000);
    expect(body.length).toBeLessThan(1024 * 1024);

    const reply = await postSigned(app(), body, REAL_NUMBER.appSecret);

    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/nests deeper than 64 levels/);
    expect(storedWamids()).toEqual([]);
    expect(t.logs.text).not.toMatch(/Maximum call stack/);
  });

  it('still stores a message with an unknown field a few levels deep', async () => {
    const reply = await postSigned(app(), nested(40), REAL_NUMBER.appSecret);
    expect(reply.status).toBe(200);
    expect(storedWamids()).toEqual(['wamid.DEEP']);
  });
});
