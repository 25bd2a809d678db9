import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { REAL_NUMBER, addAgent, addMember, addMembersTo, setupOwner } from './flows.ts';

let t: TestAppliance | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});
const app = () => t!.running;

interface NumberView {
  displayPhoneNumber: string;
  verifyToken: string | null;
}
interface WebhookView {
  callbackUrl: string | null;
  path: string;
  ownListener: boolean;
  onMainListener: boolean;
}

/** The OWNER, an ADMIN, an AGENT and a SUPPORT person of one workspace. */
async function cast() {
  const owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  const admin = await addMember(app, owner, 'ADMIN', {
    email: 'admin@acme.test',
    password: 'admin-password-1',
    displayName: 'Ada Admin',
  });
  const agent = await addAgent(app, owner);
  const workspace = app()
    .appliance.store.db.prepare('SELECT id, name FROM workspaces')
    .get() as { id: string; name: string };
  const [support] = addMembersTo(app(), workspace, ['SUPPORT']);
  const supportClient = new ApiClient(app);
  supportClient.cookie = support!.cookie;
  return { owner, admin, agent, support: supportClient };
}

describe("the WhatsApp page's webhook details", () => {
  it('builds the callback URL from the configured public URL', async () => {
    t = await startTestAppliance({
      FLOWGENTO_SIMULATOR: 'off',
      FLOWGENTO_WEBHOOK_PORT: '0',
      FLOWGENTO_WEBHOOK_PUBLIC_URL: 'https://hooks.acme.example/',
    });
    const { admin } = await cast();
    expect(await admin.query<WebhookView>('whatsapp.webhook')).toEqual({
      callbackUrl: 'https://hooks.acme.example/webhooks/whatsapp',
      path: '/webhooks/whatsapp',
      ownListener: true,
      onMainListener: true,
    });
  });

  it('gives no callback URL while no public URL is set', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const { owner } = await cast();
    const webhook = await owner.query<WebhookView>('whatsapp.webhook');
    expect(webhook.callbackUrl).toBeNull();
    expect(webhook.ownListener).toBe(false);
  });

  it('shows the verify token to owners and admins only', async () => {
    t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
    const { owner, admin, agent, support } = await cast();

    for (const manager of [owner, admin]) {
      const [number] = await manager.query<NumberView[]>('whatsapp.numbers');
      expect(number?.verifyToken).toBe(REAL_NUMBER.verifyToken);
    }
    const [seenBySupport] = await support.query<NumberView[]>('whatsapp.numbers');
    expect(seenBySupport?.displayPhoneNumber).toBe(REAL_NUMBER.displayPhoneNumber);
    expect(seenBySupport?.verifyToken).toBeNull();

    const refused = await expectApiError(agent.query('whatsapp.numbers'));
    expect(refused.code).toBe('FORBIDDEN');
    expect((await expectApiError(agent.query('whatsapp.webhook'))).code).toBe(
      'FORBIDDEN',
    );
  });
});
