import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '@flowgento/crypto';
import { workspaceScope } from '@flowgento/store';
import {
  ApiClient,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import {
  REAL_NUMBER,
  addAgent,
  deliverText,
  setupOwner,
  startGraphRecorder,
} from './flows.ts';

let t: TestAppliance;
let graph: Awaited<ReturnType<typeof startGraphRecorder>>;
let owner: ApiClient;
let agent: ApiClient;
const app = () => t.running;

interface ConversationRow {
  id: string;
  contact: { waId: string };
}

beforeEach(async () => {
  graph = await startGraphRecorder();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  // Point real (non-simulated) numbers at the loopback recorder, as an admin would at Meta.
  t.config.whatsapp.graphApiBaseUrl = graph.baseUrl;
  await t.restart();
  owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  agent = await addAgent(app, owner);
});
afterEach(async () => {
  await t.cleanup();
  await graph.close();
});

async function firstConversation(): Promise<ConversationRow> {
  const list = await agent.query<ConversationRow[]>('inbox.conversations');
  expect(list).toHaveLength(1);
  return list[0]!;
}

describe('an agent replying to a customer', () => {
  it("sends inside the service window through the Graph API and stores Meta's id", async () => {
    await deliverText(app(), { text: 'Where is my parcel?' });
    const conversation = await firstConversation();

    await agent.mutate('inbox.reply', {
      conversationId: conversation.id,
      body: 'It ships today.',
    });

    expect(graph.sends).toHaveLength(1);
    const send = graph.sends[0]!;
    expect(send.path).toBe(`/v23.0/${REAL_NUMBER.phoneNumberId}/messages`);
    expect(send.authorization).toBe(`Bearer ${REAL_NUMBER.accessToken}`);
    expect(send.body).toMatchObject({
      messaging_product: 'whatsapp',
      to: conversation.contact.waId,
      type: 'text',
      text: { body: 'It ships today.' },
    });
    const opened = await agent.query<{
      messages: { direction: string; status: string; waMessageId: string | null }[];
    }>('inbox.conversation', { conversationId: conversation.id });
    const outbound = opened.messages.find((m) => m.direction === 'outbound');
    expect(outbound?.status).toBe('sent');
    expect(outbound?.waMessageId).toMatch(/^wamid\./);
  });

  it('refuses a free-form reply 25 hours after the customer last wrote, and sends nothing', async () => {
    const dayAndHourAgo = Math.floor(Date.now() / 1000) - 25 * 3600;
    await deliverText(app(), { text: 'old message', timestampSeconds: dayAndHourAgo });
    const conversation = await firstConversation();

    const error = await expectApiError(
      agent.mutate('inbox.reply', { conversationId: conversation.id, body: 'Sorry!' }),
    );
    expect(error.status).toBe(412);
    expect(error.reason).toBe('service_window_closed');
    expect(error.message).toMatch(/template/);
    expect(graph.sends).toHaveLength(0);
  });

  it('refuses a reply to a contact who opted out, before any network call', async () => {
    await deliverText(app(), { text: 'hello' });
    const conversation = await firstConversation();
    const store = t.running.appliance.store;
    const wsId = store.db.prepare('SELECT id FROM workspaces').pluck().get() as string;
    const contactId = store.db.prepare('SELECT id FROM contacts').pluck().get() as string;
    store.in(workspaceScope(wsId)).contacts.setOptOut(contactId, Date.now(), 'test');

    const error = await expectApiError(
      agent.mutate('inbox.reply', { conversationId: conversation.id, body: 'Hi' }),
    );
    expect(error.reason).toBe('contact_opted_out');
    expect(graph.sends).toHaveLength(0);
  });

  it('refuses an AGENT of another workspace: not found, nothing sent, nothing stored', async () => {
    await deliverText(app(), { text: 'private question' });
    const conversation = await firstConversation();

    // A second workspace with its own agent, created the way a second tenant would exist.
    const store = t.running.appliance.store;
    const other = store.workspaces.create('Other Co');
    const intruder = store.users.create({
      email: 'intruder@other.test',
      displayName: 'Ivan Intruder',
      passwordHash: await hashPassword('intruder-password-1'),
    });
    store.in(workspaceScope(other.id)).members.add(intruder.id, 'AGENT');
    const outsider = new ApiClient(app);
    await outsider.mutate('auth.login', {
      email: 'intruder@other.test',
      password: 'intruder-password-1',
    });

    const messagesBefore = store.db
      .prepare('SELECT count(*) FROM messages')
      .pluck()
      .get();
    const error = await expectApiError(
      outsider.mutate('inbox.reply', { conversationId: conversation.id, body: 'leak?' }),
    );
    expect(error.status).toBe(404);
    expect(graph.sends).toHaveLength(0);
    expect(store.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(
      messagesBefore,
    );
    expect(await outsider.query('inbox.conversations')).toEqual([]);
    await expectApiError(
      outsider.query('inbox.conversation', { conversationId: conversation.id }),
    );
  });

  it('refuses an empty reply with a message naming the field', async () => {
    await deliverText(app(), { text: 'hello' });
    const conversation = await firstConversation();
    const error = await expectApiError(
      agent.mutate('inbox.reply', { conversationId: conversation.id, body: '   ' }),
    );
    expect(error.status).toBe(400);
    expect(error.message).toBe('Body: Write a message first');
    expect(graph.sends).toHaveLength(0);
  });
});
