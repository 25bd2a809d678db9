import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REAL_NUMBER, postSigned, setupOwner } from './flows.ts';
import { startTestAppliance, type TestAppliance } from './harness.ts';

let t: TestAppliance;
const app = () => t.running;

beforeEach(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  const owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
});
afterEach(() => t.cleanup());

const storedWamids = () =>
  t.running.appliance.store.db
    .prepare('SELECT wa_message_id FROM messages ORDER BY 1')
    .pluck()
    .all() as string[];

const metadata = {
  display_phone_number: REAL_NUMBER.displayPhoneNumber,
  phone_number_id: REAL_NUMBER.phoneNumberId,
};

/** A signed delivery: one valid text message, then a change named `field`. */
function deliverBeside(field: string) {
  const message = {
    id: 'wamid.BESIDE',
    from: '15550001111',
    timestamp: '1750000000',
    type: 'text',
    text: { body: 'hello' },
  };
  const body = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1',
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata, messages: [message] },
          },
          { field, value: { messaging_product: 'whatsapp', metadata } },
        ],
      },
    ],
  };
  return postSigned(app(), Buffer.from(JSON.stringify(body)), REAL_NUMBER.appSecret);
}

describe('a change whose field is the name of a built-in object property', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
    'is kept raw as an unknown field (%s), and the valid message beside it is stored',
    async (field) => {
      const reply = await deliverBeside(field);

      expect(reply.status).toBe(200);
      expect(storedWamids()).toEqual(['wamid.BESIDE']);
    },
  );
});
