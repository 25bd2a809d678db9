import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTextWebhook } from '@flowgento/whatsapp';
import {
  type ApiClient,
  expectApiError,
  startTestAppliance,
  tableDigests,
  type TestAppliance,
} from './harness.ts';
import {
  AGENT,
  REAL_NUMBER,
  addAgent,
  deliverText,
  memberOfAnotherWorkspace,
  newWamid,
  postSigned,
  setupOwner,
} from './flows.ts';

interface Conversation {
  id: string;
  lastMessageAt: number;
  status: 'open' | 'pending' | 'resolved';
  unreadCount: number;
  number: { id: string; displayPhoneNumber: string };
  contact: { waId: string };
}
interface SearchPage {
  results: {
    conversationId: string;
    snippet: { text: string; highlights: { start: number; end: number }[] };
  }[];
  next: { seq: number } | null;
}

const SECOND_NUMBER = {
  ...REAL_NUMBER,
  phoneNumberId: '106540352242923',
  displayPhoneNumber: '+1 555 0200',
  appSecret: 'second-app-secret-0123456789',
  verifyToken: 'second-verify-token',
};
const OTHER_NUMBER = {
  ...REAL_NUMBER,
  phoneNumberId: '206540352242999',
  displayPhoneNumber: '+44 20 0000 0000',
  appSecret: 'other-app-secret-0123456789',
  verifyToken: 'other-verify-token',
};
const WEEK_AGO_SECONDS = Math.floor(Date.now() / 1000) - 7 * 24 * 3600;

let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let outsider: ApiClient;
const app = () => t.running;

/** A customer's text to `number`, as Meta would post it. */
async function write(
  number: typeof REAL_NUMBER,
  from: string,
  text: string,
  timestampSeconds?: number,
) {
  const body = Buffer.from(
    JSON.stringify(
      buildTextWebhook({
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId: newWamid(),
        from,
        profileName: 'Carla Customer',
        text,
        timestampSeconds,
      }),
    ),
  );
  expect((await postSigned(app(), body, number.appSecret)).status).toBe(200);
}

const conversations = (client: ApiClient, input: Record<string, unknown> = {}) =>
  client.query<Conversation[]>('inbox.conversations', { assigned: 'all', ...input });

beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  await owner.mutate('whatsapp.save', SECOND_NUMBER);
  agent = await addAgent(app, owner);
  outsider = (await memberOfAnotherWorkspace(app, 'ADMIN')).client;
  await outsider.mutate('whatsapp.save', OTHER_NUMBER);

  await deliverText(app(), {
    text: 'The blender I ordered arrived cracked',
    from: '15550001111',
    timestampSeconds: WEEK_AGO_SECONDS,
  });
  await write(SECOND_NUMBER, '15550002222', 'Do you ship to Lisbon?');
  await write(OTHER_NUMBER, '447700900000', 'My blender is <b>cracked</b> too');
});
afterAll(() => t.cleanup());

describe('search over the workspace’s messages', () => {
  it("finds last week's message by a word in it, never another workspace's", async () => {
    const page = await agent.query<SearchPage>('desk.search', { query: 'blender' });
    expect(page.results).toHaveLength(1);
    const [hit] = page.results;
    expect(hit!.snippet.text).toBe('The blender I ordered arrived cracked');
    expect(
      hit!.snippet.highlights.map((h) => hit!.snippet.text.slice(h.start, h.end)),
    ).toEqual(['blender']);

    const theirs = await outsider.query<SearchPage>('desk.search', { query: 'blender' });
    expect(theirs.results.map((r) => r.snippet.text)).toEqual([
      'My blender is <b>cracked</b> too',
    ]);
    expect(theirs.results[0]!.conversationId).not.toBe(hit!.conversationId);
  });

  it('reads FTS5 syntax as words, and refuses a query without words clearly', async () => {
    for (const query of ['"blender', 'blender AND', 'NEAR(blender', 'cracked)*', '^x']) {
      await expect(agent.query('desk.search', { query })).resolves.toBeDefined();
    }
    const error = await expectApiError(agent.query('desk.search', { query: '"" ( * )' }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/at least one word/);
  });
});

describe('the desk around a conversation', () => {
  it('shows which number a conversation is on and filters by it', async () => {
    const numbers =
      await agent.query<{ id: string; displayPhoneNumber: string }[]>('desk.numbers');
    expect(numbers.map((n) => n.displayPhoneNumber).sort()).toEqual([
      '+1 555 0199',
      '+1 555 0200',
    ]);
    const second = numbers.find((n) => n.displayPhoneNumber === '+1 555 0200')!;
    const onSecond = await conversations(agent, { numberId: second.id });
    expect(onSecond.map((c) => c.contact.waId)).toEqual(['15550002222']);
    expect(onSecond[0]!.number.displayPhoneNumber).toBe('+1 555 0200');
  });

  it("counts each member's unread messages, cleared when that member opens the conversation", async () => {
    const total = async (client: ApiClient) =>
      (await client.query<{ total: number }>('desk.unread')).total;
    expect(await total(agent)).toBe(2);
    const [latest] = await conversations(agent);
    expect(latest!.unreadCount).toBe(1);

    await agent.mutate('inbox.markRead', { conversationId: latest!.id });
    expect(await total(agent)).toBe(1);
    expect((await conversations(agent))[0]!.unreadCount).toBe(0);
    // A colleague's marks are their own.
    expect(await total(owner)).toBe(2);
    expect((await conversations(owner))[0]!.unreadCount).toBe(1);

    await write(SECOND_NUMBER, '15550002222', 'Hello again?');
    expect((await conversations(agent))[0]!.unreadCount).toBe(1);
    expect((await conversations(owner))[0]!.unreadCount).toBe(2);
  });

  it('marks a conversation resolved, audited, and filters by status and assignee', async () => {
    const [latest, older] = await conversations(agent);
    await agent.mutate('desk.setStatus', {
      conversationId: older!.id,
      status: 'resolved',
    });
    await agent.mutate('inbox.take', { conversationId: latest!.id });

    const ids = async (input: Record<string, unknown>) =>
      (await conversations(agent, input)).map((c) => c.id);
    expect(await ids({ status: 'resolved' })).toEqual([older!.id]);
    expect(await ids({ status: 'open', assigned: 'mine' })).toEqual([latest!.id]);
    expect(await ids({ status: 'open', assigned: 'unassigned' })).toEqual([]);
    expect(
      await ids({
        limit: 1,
        after: { lastMessageAt: latest!.lastMessageAt, id: latest!.id },
      }),
    ).toEqual([older!.id]);

    const audited = app()
      .appliance.store.db.prepare(
        `SELECT target_id AS targetId, details_json AS details FROM audit_log
         WHERE action = 'conversation.status_changed'`,
      )
      .all();
    expect(audited).toEqual([
      { targetId: older!.id, details: JSON.stringify({ from: 'open', to: 'resolved' }) },
    ]);

    // A customer writing again reopens it.
    await deliverText(app(), { text: 'Any news?', from: '15550001111' });
    expect(await ids({ status: 'resolved' })).toEqual([]);
  });

  it('keeps internal notes on the contact profile, as text, never sent', async () => {
    const [conversation] = await conversations(agent, { numberId: undefined });
    const digest = () => tableDigests(app(), ['audit_log', 'notes', 'sessions']);
    const messagesBefore = digest().messages;
    await agent.mutate('desk.addNote', {
      conversationId: conversation!.id,
      body: 'VIP <script>alert(1)</script> — call back Friday',
    });
    expect(digest().messages).toBe(messagesBefore);

    const profile = await agent.query<{
      contact: { waId: string };
      firstSeenAt: number;
      lastSeenAt: number;
      conversations: unknown[];
      notes: { body: string; author: { displayName: string } }[];
    }>('desk.contact', { conversationId: conversation!.id });
    expect(profile.notes).toEqual([
      expect.objectContaining({
        body: 'VIP <script>alert(1)</script> — call back Friday',
        author: expect.objectContaining({ displayName: AGENT.displayName }),
      }),
    ]);
    expect(profile.conversations).toHaveLength(1);
    expect(profile.lastSeenAt).toBeGreaterThanOrEqual(profile.firstSeenAt);

    const refused = await expectApiError(
      outsider.mutate('desk.addNote', { conversationId: conversation!.id, body: 'x' }),
    );
    expect(refused.code).toBe('NOT_FOUND');
  });
});

describe('search pages', () => {
  it('pages through many matches, each once, and stops', async () => {
    for (let i = 0; i < 23; i += 1) {
      await write(OTHER_NUMBER, '447700900001', `Invoice number ${i} attached`);
    }
    const seen: string[] = [];
    let cursor: SearchPage['next'] = null;
    let pages = 0;
    do {
      const page: SearchPage = await outsider.query<SearchPage>('desk.search', {
        query: 'invoice',
        cursor,
      });
      seen.push(...page.results.map((r) => r.snippet.text));
      cursor = page.next;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(23);
    expect(seen[0]).toBe('Invoice number 22 attached');
    // The other workspace's agent finds none of them.
    const mine = await agent.query<SearchPage>('desk.search', { query: 'invoice' });
    expect(mine.results).toEqual([]);
  });
});

describe('the search index file', () => {
  it('is rebuilt at start when it is missing, and search finds the same messages', async () => {
    const before = await agent.query<SearchPage>('desk.search', { query: 'blender' });
    await t.stop();
    const index = join(t.config.dataDir, 'search-index.db');
    expect(existsSync(index)).toBe(true);
    for (const suffix of ['', '-wal', '-shm'])
      rmSync(`${index}${suffix}`, { force: true });
    await t.start();

    const rebuilt = t.logs.lines
      .map((line) => JSON.parse(line) as { msg: string; indexed?: number })
      .findLast(
        (entry) => entry.msg === 'message search index rebuilt from the messages',
      );
    expect(rebuilt?.indexed).toBeGreaterThanOrEqual(26);
    const after = await agent.query<SearchPage>('desk.search', { query: 'blender' });
    expect(after).toEqual(before);
    expect(after.results).toHaveLength(1);
  });
});
