import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApiClient,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import {
  AGENT,
  REAL_NUMBER,
  addAgent,
  deliverText,
  memberOfAnotherWorkspace,
  setupOwner,
} from './flows.ts';

const SECOND_AGENT = {
  email: 'bea@acme.test',
  password: 'bea-password-123',
  displayName: 'Bea Agent',
};

interface Conversation {
  id: string;
  assignee: { userId: string; displayName: string } | null;
}
interface AuditRow {
  action: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

let t: TestAppliance;
let owner: ApiClient;
let agent: ApiClient;
let agentId: string;
let conversationId: string;
const app = () => t.running;
// Entries for changes made; a refusal by the permission check is audited as
// `access.denied`, which the permission-matrix tests cover.
const auditCount = () =>
  t.running.appliance.store.db
    .prepare(`SELECT count(*) FROM audit_log WHERE action != 'access.denied'`)
    .pluck()
    .get();
const assigneeInDb = () =>
  t.running.appliance.store.db
    .prepare('SELECT assignee_id FROM conversations WHERE id = ?')
    .pluck()
    .get(conversationId);
const listed = async (client: ApiClient, assigned: 'all' | 'mine' | 'unassigned') =>
  (await client.query<Conversation[]>('inbox.conversations', { assigned })).map(
    (c) => c.id,
  );

beforeEach(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
  owner = await setupOwner(app);
  await owner.mutate('whatsapp.save', REAL_NUMBER);
  agent = await addAgent(app, owner);
  agentId = (await agent.query<{ userId: string }>('auth.me')).userId;
  await deliverText(app(), { text: 'Is Monday free?' });
  const [conversation] = await owner.query<Conversation[]>('inbox.conversations');
  conversationId = conversation!.id;
});
afterEach(() => t.cleanup());

describe('assigning conversations', () => {
  it('lets an OWNER assign a conversation to an AGENT, shown in list, pane and filters', async () => {
    expect(await listed(agent, 'unassigned')).toEqual([conversationId]);
    await owner.mutate('inbox.assign', { conversationId, assigneeId: agentId });

    const [row] = await owner.query<Conversation[]>('inbox.conversations');
    expect(row!.assignee).toEqual({ userId: agentId, displayName: AGENT.displayName });
    const pane = await agent.query<{ conversation: Conversation }>('inbox.conversation', {
      conversationId,
    });
    expect(pane.conversation.assignee?.userId).toBe(agentId);
    expect(await listed(agent, 'mine')).toEqual([conversationId]);
    expect(await listed(owner, 'mine')).toEqual([]);
    expect(await listed(owner, 'unassigned')).toEqual([]);
    expect(await listed(owner, 'all')).toEqual([conversationId]);

    const [entry] = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(entry).toMatchObject({
      action: 'conversation.assigned',
      targetId: conversationId,
      details: { from: null, to: agentId },
    });

    await owner.mutate('inbox.assign', { conversationId, assigneeId: null });
    expect(assigneeInDb()).toBeNull();
  });

  it('lets an AGENT take an unassigned conversation and give it back, but not take one held by another', async () => {
    const bea = await addAgent(app, owner, SECOND_AGENT);
    await agent.mutate('inbox.take', { conversationId });
    expect(assigneeInDb()).toBe(agentId);

    const before = auditCount();
    const taken = await expectApiError(bea.mutate('inbox.take', { conversationId }));
    expect(taken.code).toBe('CONFLICT');
    expect(taken.message).toContain(AGENT.displayName);
    const released = await expectApiError(
      bea.mutate('inbox.release', { conversationId }),
    );
    expect(released.code).toBe('FORBIDDEN');
    expect(assigneeInDb()).toBe(agentId);
    expect(auditCount()).toBe(before);

    await agent.mutate('inbox.release', { conversationId });
    expect(assigneeInDb()).toBeNull();
  });

  it('refuses an AGENT assigning through the admin procedure, even to themselves', async () => {
    const before = auditCount();
    const error = await expectApiError(
      agent.mutate('inbox.assign', { conversationId, assigneeId: agentId }),
    );
    expect(error.code).toBe('FORBIDDEN');
    expect(assigneeInDb()).toBeNull();
    expect(auditCount()).toBe(before);
  });

  it('refuses a user of another workspace as assignee: not found, nothing changed', async () => {
    const outsider = await memberOfAnotherWorkspace(app, 'AGENT');
    const before = auditCount();
    const error = await expectApiError(
      owner.mutate('inbox.assign', { conversationId, assigneeId: outsider.userId }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(assigneeInDb()).toBeNull();
    expect(auditCount()).toBe(before);
  });

  it('refuses an OWNER of another workspace assigning or taking this conversation', async () => {
    const outsider = await memberOfAnotherWorkspace(app, 'OWNER');
    for (const attempt of [
      () =>
        outsider.client.mutate('inbox.assign', {
          conversationId,
          assigneeId: outsider.userId,
        }),
      () => outsider.client.mutate('inbox.take', { conversationId }),
    ]) {
      expect((await expectApiError(attempt())).code).toBe('NOT_FOUND');
    }
    expect(assigneeInDb()).toBeNull();
  });

  it('refuses a removed member as assignee', async () => {
    await owner.mutate('members.remove', { userId: agentId });
    const error = await expectApiError(
      owner.mutate('inbox.assign', { conversationId, assigneeId: agentId }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(assigneeInDb()).toBeNull();
  });

  it('clears a member’s assignments when they are removed, in the same audited change', async () => {
    await owner.mutate('inbox.assign', { conversationId, assigneeId: agentId });
    await owner.mutate('members.remove', { userId: agentId });

    expect(assigneeInDb()).toBeNull();
    expect(await listed(owner, 'unassigned')).toEqual([conversationId]);
    const [entry] = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(entry).toMatchObject({ action: 'member.removed', details: { unassigned: 1 } });
  });

  it('tells open inboxes of the workspace about assignments as they change', async () => {
    const { workspaceId } = await owner.query<{ workspaceId: string }>('auth.me');
    const seen: unknown[] = [];
    const stop = t.running.services.events.subscribe(workspaceId, (e) => seen.push(e));
    try {
      await agent.mutate('inbox.take', { conversationId });
      await owner.mutate('members.remove', { userId: agentId });
    } finally {
      stop();
    }
    expect(seen).toEqual([
      { type: 'conversation.assigned', conversationId },
      { type: 'assignments.cleared', userId: agentId },
    ]);
  });

  it('clears a member’s assignments when they leave', async () => {
    await agent.mutate('inbox.take', { conversationId });
    await agent.mutate('members.leave');

    expect(assigneeInDb()).toBeNull();
    const [entry] = await owner.query<AuditRow[]>('audit.list', { limit: 1 });
    expect(entry).toMatchObject({ action: 'member.left', details: { unassigned: 1 } });
  });
});
