import { request as httpRequest } from 'node:http';
import { request as httpsRequestRaw } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTextWebhook, signPayload } from '@flowgento/whatsapp';
import { loadConfig } from '../src/config.ts';
import {
  httpsRequest,
  startTestAppliance,
  type HttpsReply,
  type TestAppliance,
} from './harness.ts';
import { REAL_NUMBER, newWamid, postSigned, setupOwner } from './flows.ts';
import { opened } from './sealed.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function started(env: Record<string, string>): Promise<TestAppliance> {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off', ...env });
  const owner = await setupOwner(() => t!.running);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  return t;
}

/** One request to the webhook listener, over whatever scheme it serves. */
function listenerRequest(
  app: TestAppliance,
  method: string,
  path: string,
  options: { body?: Buffer; headers?: Record<string, string> } = {},
): Promise<HttpsReply> {
  const base = app.running.webhookListenerUrl;
  if (!base) throw new Error('the webhook listener is off');
  const send = base.startsWith('https:') ? httpsRequestRaw : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      `${base}${path}`,
      { method, headers: options.headers, ca: app.running.tls.caCertPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function signedText(text: string): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(
    JSON.stringify(
      buildTextWebhook({
        phoneNumberId: REAL_NUMBER.phoneNumberId,
        displayPhoneNumber: REAL_NUMBER.displayPhoneNumber,
        waMessageId: newWamid(),
        from: '15550001111',
        profileName: 'Carla Customer',
        text,
      }),
    ),
  );
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(REAL_NUMBER.appSecret, body),
    },
  };
}

function storedBodies(app: TestAppliance): string[] {
  const store = app.running.appliance.store;
  const rows = store.db
    .prepare(
      `SELECT m.id, m.workspace_id AS workspaceId, v.contact_id AS contactId, m.body
       FROM messages m JOIN conversations v ON v.id = m.conversation_id
       ORDER BY m.created_at`,
    )
    .all() as { id: string; workspaceId: string; contactId: string; body: string }[];
  return rows.map(
    (row) => opened(store, { ...row, table: 'messages' }, 'body', row.body) as string,
  );
}

const HANDSHAKE = `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${REAL_NUMBER.verifyToken}&hub.challenge=4242`;

describe("the webhook's own listener", () => {
  it('is plain HTTP on loopback, answers the handshake and stores a signed delivery', async () => {
    const app = await started({ FLOWGENTO_WEBHOOK_PORT: '0' });
    expect(app.running.webhookListenerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const handshake = await listenerRequest(app, 'GET', HANDSHAKE);
    expect(handshake.status).toBe(200);
    expect(handshake.body).toBe('4242');
    const wrongToken = await listenerRequest(
      app,
      'GET',
      '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1',
    );
    expect(wrongToken.status).toBe(403);

    const reply = await listenerRequest(app, 'POST', '/webhooks/whatsapp', {
      ...signedText('Where is my parcel?'),
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('EVENT_RECEIVED');
    expect(storedBodies(app)).toEqual(['Where is my parcel?']);
  });

  it('refuses a delivery with a bad signature, stores nothing and logs the address the trusted proxy saw', async () => {
    const app = await started({
      FLOWGENTO_WEBHOOK_PORT: '0',
      FLOWGENTO_WEBHOOK_TRUSTED_PROXIES: '127.0.0.1',
    });
    const { body, headers } = signedText('forged');
    const reply = await listenerRequest(app, 'POST', '/webhooks/whatsapp', {
      body,
      headers: {
        ...headers,
        'x-hub-signature-256': signPayload('not-the-secret', body),
        'x-forwarded-for': '198.51.100.1, 203.0.113.9',
      },
    });
    expect(reply.status).toBe(401);
    expect(storedBodies(app)).toEqual([]);
    const refused = app.logs.lines.find((line) => line.includes('webhook refused'));
    expect(refused).toContain('"ip":"203.0.113.9"');
  });

  it('answers 404 for the UI, the API, metrics, health and the CA download', async () => {
    const app = await started({ FLOWGENTO_WEBHOOK_PORT: '0' });
    const paths = [
      '/',
      '/index.html',
      '/trpc/system.info',
      '/trpc/whatsapp.numbers',
      '/metrics',
      '/healthz',
      '/ca.crt',
      '/webhooks/whatsapp/../../trpc/system.info',
      '/webhooks/whatsapp/extra',
    ];
    for (const path of paths) {
      const reply = await listenerRequest(app, 'GET', path);
      expect({ path, status: reply.status }).toEqual({ path, status: 404 });
      expect(reply.body).toBe('Not found');
    }
    const login = await listenerRequest(app, 'POST', '/trpc/auth.login', {
      body: Buffer.from('{}'),
      headers: { 'content-type': 'application/json', 'x-flowgento-request': '1' },
    });
    expect(login.status).toBe(404);
    const put = await listenerRequest(app, 'PUT', '/webhooks/whatsapp');
    expect(put.status).toBe(405);
  });

  it('keeps the main HTTPS port serving the webhook by default', async () => {
    const app = await started({ FLOWGENTO_WEBHOOK_PORT: '0' });
    const handshake = await httpsRequest(app.running, 'GET', HANDSHAKE);
    expect(handshake.status).toBe(200);
    const { body } = signedText('via the main port');
    expect((await postSigned(app.running, body, REAL_NUMBER.appSecret)).status).toBe(200);
    expect(storedBodies(app)).toEqual(['via the main port']);
  });

  it('leaves the webhook to its own listener alone when the main port is told not to serve it', async () => {
    const app = await started({
      FLOWGENTO_WEBHOOK_PORT: '0',
      FLOWGENTO_WEBHOOK_ON_MAIN: 'off',
    });
    expect((await httpsRequest(app.running, 'GET', HANDSHAKE)).status).toBe(404);
    const { body } = signedText('should not land');
    expect((await postSigned(app.running, body, REAL_NUMBER.appSecret)).status).toBe(404);
    expect(storedBodies(app)).toEqual([]);
    expect((await listenerRequest(app, 'GET', HANDSHAKE)).status).toBe(200);
    // The UI and API stay on the main port.
    expect((await httpsRequest(app.running, 'GET', '/healthz')).status).toBe(200);
  });

  it('serves HTTPS with the appliance certificate when webhook.tls is on', async () => {
    const app = await started({
      FLOWGENTO_WEBHOOK_PORT: '0',
      FLOWGENTO_WEBHOOK_TLS: 'on',
    });
    expect(app.running.webhookListenerUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const reply = await listenerRequest(app, 'POST', '/webhooks/whatsapp', {
      ...signedText('over TLS'),
    });
    expect(reply.status).toBe(200);
    expect(storedBodies(app)).toEqual(['over TLS']);
  });

  it('is off unless a port is configured', async () => {
    const app = await started({});
    expect(app.running.webhookListenerUrl).toBeNull();
  });
});

describe('webhook listener configuration', () => {
  const base = {
    FLOWGENTO_DATA_DIR: '/nonexistent-data',
    FLOWGENTO_WEBHOOK_PORT: '9443',
  };

  it('binds loopback by default', () => {
    const config = loadConfig({ env: base });
    expect(config.webhook).toMatchObject({ port: 9443, host: '127.0.0.1', tls: false });
    expect(config.webhook.onMainListener).toBe(true);
  });

  it('refuses plain HTTP on a LAN address and names the field', () => {
    expect(() =>
      loadConfig({ env: { ...base, FLOWGENTO_WEBHOOK_HOST: '0.0.0.0' } }),
    ).toThrow(/webhook\.tls: plain HTTP only on a loopback address/);
    const config = loadConfig({
      env: { ...base, FLOWGENTO_WEBHOOK_HOST: '0.0.0.0', FLOWGENTO_WEBHOOK_TLS: 'on' },
    });
    expect(config.webhook.host).toBe('0.0.0.0');
  });

  it('refuses to take the webhook off the main port while it has no listener of its own', () => {
    expect(() =>
      loadConfig({
        env: { ...base, FLOWGENTO_WEBHOOK_PORT: 'off', FLOWGENTO_WEBHOOK_ON_MAIN: 'off' },
      }),
    ).toThrow(/webhook\.onMainListener: the main port is the only way in/);
  });

  it('refuses a public URL that is not https and a port taken by the main listener', () => {
    expect(() =>
      loadConfig({
        env: { ...base, FLOWGENTO_WEBHOOK_PUBLIC_URL: 'http://hooks.example.com' },
      }),
    ).toThrow(/webhook\.publicUrl/);
    expect(() => loadConfig({ env: { ...base, FLOWGENTO_PORT: '9443' } })).toThrow(
      /webhook\.port: must differ/,
    );
  });
});
