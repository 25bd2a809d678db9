import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspaceScope } from '@flowgento/store';
import { buildStatusWebhook, signPayload } from '@flowgento/whatsapp';
import { httpsRequest, startTestAppliance, type TestAppliance } from './harness.ts';
import {
  REAL_NUMBER,
  deliverStatus,
  deliverText,
  newWamid,
  postSigned,
  setupOwner,
} from './flows.ts';

let t: TestAppliance;
const app = () => t.running;

function messageCount(): number {
  return t.running.appliance.store.db
    .prepare('SELECT count(*) FROM messages')
    .pluck()
    .get() as number;
}

let owner: Awaited<ReturnType<typeof setupOwner>>;

/** A customer writes, and a reply to them is accepted by Meta under `waMessageId`. */
async function acceptedReply(waMessageId: string) {
  await deliverText(app(), { text: 'hi' });
  const store = t.running.appliance.store;
  const wsId = store.db.prepare('SELECT id FROM workspaces').pluck().get() as string;
  const scoped = store.in(workspaceScope(wsId));
  const conversation = scoped.conversations.list()[0]!;
  const user = store.db.prepare('SELECT id FROM users').pluck().get() as string;
  const id = store.transaction(() =>
    scoped.messages.insertOutbound({
      conversationId: conversation.id,
      body: 'ok',
      sentBy: user,
      rawJson: '{}',
    }),
  );
  store.transaction(() => scoped.messages.markAccepted(id, waMessageId));
  return { scoped, id };
}

beforeEach(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
});
afterEach(() => t.cleanup());

describe('webhook intake over HTTPS', () => {
  it('stores a signed text message once and acknowledges with 200', async () => {
    const reply = await deliverText(app(), { text: 'Hello, I need help with my order' });
    expect(reply.status).toBe(200);
    expect(messageCount()).toBe(1);
  });

  it('answers 200 to a duplicate delivery and still stores it once', async () => {
    const waMessageId = newWamid();
    expect((await deliverText(app(), { text: 'first', waMessageId })).status).toBe(200);
    expect((await deliverText(app(), { text: 'first', waMessageId })).status).toBe(200);
    const both = await Promise.all([
      deliverText(app(), { text: 'twin', waMessageId: 'wamid.TWIN' }),
      deliverText(app(), { text: 'twin', waMessageId: 'wamid.TWIN' }),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect(messageCount()).toBe(2);
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const reply = await deliverText(app(), {
      text: 'forged',
      appSecret: 'not-the-app-secret',
    });
    expect(reply.status).toBe(401);
    expect(messageCount()).toBe(0);
  });

  it('refuses a missing signature with 401 and stores nothing', async () => {
    const reply = await httpsRequest(app(), 'POST', '/webhooks/whatsapp', {
      body: '{"object":"whatsapp_business_account","entry":[]}',
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(401);
    expect(messageCount()).toBe(0);
  });

  it('refuses malformed JSON with 400 even when correctly signed, and stores nothing', async () => {
    const reply = await postSigned(
      app(),
      Buffer.from('{"object": "whatsapp_business_account", '),
      REAL_NUMBER.appSecret,
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/not valid JSON/);
    expect(messageCount()).toBe(0);
  });

  it('refuses a payload missing required fields with 400 naming the field', async () => {
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '1' },
                },
              },
            ],
          },
        ],
      }),
    );
    const reply = await postSigned(app(), body, REAL_NUMBER.appSecret);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatch(/metadata.phone_number_id/);
    expect(messageCount()).toBe(0);
  });

  it('checks the signature over the raw bytes, not a re-serialisation', async () => {
    const compact = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
    const spaced = Buffer.from('{ "object": "whatsapp_business_account", "entry": [] }');
    const reply = await httpsRequest(app(), 'POST', '/webhooks/whatsapp', {
      body: spaced,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signPayload(REAL_NUMBER.appSecret, compact),
      },
    });
    expect(reply.status).toBe(401);
  });

  it('moves an outbound message forward only: read is not undone by a late delivered', async () => {
    const { scoped, id } = await acceptedReply('wamid.OUT1');

    expect((await deliverStatus(app(), 'wamid.OUT1', 'read')).status).toBe(200);
    expect((await deliverStatus(app(), 'wamid.OUT1', 'delivered')).status).toBe(200);
    expect(scoped.messages.get(id)?.status).toBe('read');
  });

  it("answers Meta's verification handshake only for the configured verify token", async () => {
    const ok = await httpsRequest(
      app(),
      'GET',
      `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${REAL_NUMBER.verifyToken}&hub.challenge=1158201444`,
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('1158201444');
    const wrong = await httpsRequest(
      app(),
      'GET',
      '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
    );
    expect(wrong.status).toBe(403);
  });

  it('ignores a payload for a number that is not registered under the signing app', async () => {
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '1',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '1', phone_number_id: '999999999' },
                  messages: [
                    {
                      id: newWamid(),
                      from: '1555',
                      timestamp: '1700000000',
                      type: 'text',
                      text: { body: 'x' },
                    },
                  ],
                },
              },
            ],
          },
        ],
      }),
    );
    const reply = await postSigned(app(), body, REAL_NUMBER.appSecret);
    expect(reply.status).toBe(200);
    expect(messageCount()).toBe(0);
  });

  it('does not let a timestamp from the future hold the service window open', async () => {
    const year2100 = Math.floor(Date.UTC(2100, 0, 1) / 1000);
    expect(
      (await deliverText(app(), { text: 'from the future', timestampSeconds: year2100 }))
        .status,
    ).toBe(200);
    const store = t.running.appliance.store;
    const wsId = store.db.prepare('SELECT id FROM workspaces').pluck().get() as string;
    const [conversation] = t.running.services.conversations.list(workspaceScope(wsId));
    expect(conversation!.windowClosesAt).not.toBeNull();
    expect(conversation!.windowClosesAt!).toBeLessThanOrEqual(
      Date.now() + 24 * 3600 * 1000,
    );
  });

  it('takes STOP with a zero-width space after it as a stop keyword', async () => {
    expect((await deliverText(app(), { text: 'stop\u200b' })).status).toBe(200);
    const consent = t.running.appliance.store.db
      .prepare('SELECT state, source FROM contact_consent')
      .all();
    expect(consent).toEqual([{ state: 'opted_out', source: 'keyword' }]);
  });

  it("ignores a status signed by another number's app for this number's message", async () => {
    const other = {
      ...REAL_NUMBER,
      phoneNumberId: '200000000000001',
      appSecret: 'another-app-secret-98765',
      verifyToken: 'another-verify-token',
    };
    await owner.mutate('whatsapp.save', other);
    const { scoped, id } = await acceptedReply('wamid.VICTIM');

    const forged = Buffer.from(
      JSON.stringify(
        buildStatusWebhook({
          phoneNumberId: other.phoneNumberId,
          displayPhoneNumber: other.displayPhoneNumber,
          waMessageId: 'wamid.VICTIM',
          status: 'failed',
          recipientId: '15550001111',
          error: { code: 1, title: 'spoofed' },
        }),
      ),
    );
    expect((await postSigned(app(), forged, other.appSecret)).status).toBe(200);
    expect(scoped.messages.get(id)?.status).toBe('sent');
  });
});

describe('the intake thread', () => {
  it('is replaced when it dies, and the next deliveries are stored once', async () => {
    // The appliance from beforeEach, with its number configured.
    const writer = t.running.intakeWriter as unknown as {
      worker: { terminate(): Promise<number> };
    };
    await writer.worker.terminate();

    let stored = false;
    for (let attempt = 0; attempt < 50 && !stored; attempt += 1) {
      const reply = await deliverText(app(), {
        text: 'after a crash',
        waMessageId: 'wamid.AFTERCRASH',
      });
      stored = reply.status === 200;
      if (!stored) {
        expect(reply.status).toBe(500);
        expect(reply.body).not.toMatch(/at .*\.ts/);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(stored).toBe(true);
    expect(messageCount()).toBe(1);
  });
});
