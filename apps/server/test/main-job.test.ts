import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, startTestAppliance, type TestAppliance } from './harness.ts';
import { AGENT, OWNER, addAgent, setupOwner } from './flows.ts';

/**
 * The main job through the API with the built-in simulator playing Meta:
 * a customer writes, an agent sees it, replies, and the reply is delivered
 * and read. Then the logs of the whole run are searched for secrets.
 */
let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let setupCode: string;
const app = () => t.running;
const CUSTOMER_TEXT = 'My order 5521 arrived damaged, marmalade everywhere';
const REPLY_TEXT = 'So sorry! A replacement jar ships tomorrow.';
const CUSTOMER_NUMBER = '447700900123';

interface NumberView {
  id: string;
  phoneNumberId: string;
  simulated: boolean;
}
interface Conversation {
  id: string;
  contact: { waId: string; profileName: string };
}
interface Thread {
  messages: { direction: string; body: string; status: string }[];
}

async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  t = await startTestAppliance();
  setupCode = t.running.setupCode!;
  owner = await setupOwner(app);
  agent = await addAgent(app, owner);
});
afterAll(() => t.cleanup());

describe('the main job with the Cloud API simulator', () => {
  let conversation: Conversation;

  it('connects a simulated number, marked as simulated', async () => {
    const number = await owner.mutate<NumberView>('whatsapp.connectSimulator');
    expect(number.simulated).toBe(true);
    const info = await agent.query<{ simulator: boolean }>('system.info');
    expect(info.simulator).toBe(true);
  });

  it('shows a simulated customer message to the agent', async () => {
    const [number] = await owner.query<NumberView[]>('whatsapp.numbers');
    await agent.mutate('simulator.customerMessage', {
      numberId: number!.id,
      from: CUSTOMER_NUMBER,
      profileName: 'Priya Customer',
      text: CUSTOMER_TEXT,
    });
    const list = await agent.query<Conversation[]>('inbox.conversations');
    expect(list).toHaveLength(1);
    conversation = list[0]!;
    expect(conversation.contact).toMatchObject({
      waId: CUSTOMER_NUMBER,
      profileName: 'Priya Customer',
    });
  });

  it('keeps the conversation unread until the agent marks it read, not when it is fetched', async () => {
    const unread = async () =>
      (await agent.query<{ unreadCount: number }[]>('inbox.conversations'))[0]!
        .unreadCount;
    expect(await unread()).toBe(1);
    await agent.query('inbox.conversation', { conversationId: conversation.id });
    expect(await unread()).toBe(1);
    await agent.mutate('inbox.markRead', { conversationId: conversation.id });
    expect(await unread()).toBe(0);
  });

  it('tells an agent its permissions and the simulated numbers it may write to', async () => {
    const me = await agent.query<{ permissions: string[]; assignableRoles: string[] }>(
      'auth.me',
    );
    expect(me.permissions).toContain('messages.reply');
    expect(me.permissions).not.toContain('audit.read');
    expect(me.assignableRoles).toEqual([]);
    const numbers = await agent.query<{ id: string }[]>('simulator.numbers');
    expect(numbers).toHaveLength(1);
  });

  it("sends the agent's reply and moves it to delivered, then read", async () => {
    await agent.mutate('inbox.reply', {
      conversationId: conversation.id,
      body: REPLY_TEXT,
    });
    const seen: string[] = [];
    await waitFor(async () => {
      const thread = await agent.query<Thread>('inbox.conversation', {
        conversationId: conversation.id,
      });
      const reply = thread.messages.find((m) => m.direction === 'outbound');
      if (reply && seen.at(-1) !== reply.status) seen.push(reply.status);
      return reply?.status === 'read' ? reply : undefined;
    }, 'the reply to be read');
    expect(seen.at(-1)).toBe('read');
    expect(seen.every((status) => ['sent', 'delivered', 'read'].includes(status))).toBe(
      true,
    );
  });

  it('never writes a secret, password, code, phone number or message text to the log', () => {
    const log = t.logs.text;
    expect(log.length).toBeGreaterThan(500);
    const store = t.running.appliance.store;
    const wrapped = store.routing.allNumbers()[0]!;
    const secrets = {
      setupCode,
      ownerPassword: OWNER.password,
      agentPassword: AGENT.password,
      customerText: CUSTOMER_TEXT,
      replyText: REPLY_TEXT,
      customerNumber: CUSTOMER_NUMBER,
      ownerCookie: owner.cookie!.split('=')[1]!,
      accessToken: t.running.services.numbers.unwrap(wrapped, 'accessToken'),
      appSecret: t.running.services.numbers.unwrap(wrapped, 'appSecret'),
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect(log.includes(value), `${name} leaked into the log`).toBe(false);
    }
  });
});
