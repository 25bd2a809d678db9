import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  expectApiError,
  httpsRequest,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { AGENT, OWNER, addAgent, setupOwner } from './flows.ts';

let t: TestAppliance;
const app = () => t.running;

beforeEach(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
});
afterEach(() => t.cleanup());

interface AuditRow {
  action: string;
  outcome: string;
  ip: string | null;
  userAgent: string | null;
  actorLabel: string | null;
}

describe('first-run setup', () => {
  it('creates the OWNER with the one-time code, which then stops working', async () => {
    const code = app().setupCode!;
    expect(code).toMatch(/^[2-9A-Z]{4}(-[2-9A-Z]{4}){3}$/);
    const owner = await setupOwner(app);
    expect(await owner.query('auth.me')).toMatchObject({
      role: 'OWNER',
      email: OWNER.email,
    });

    const again = new ApiClient(app);
    const error = await expectApiError(
      again.mutate('auth.setup', {
        setupCode: code,
        workspaceName: 'X',
        displayName: 'X',
        email: 'x@x.test',
        password: 'another-password',
      }),
    );
    expect(error.status).toBe(403);
    expect(t.running.appliance.store.users.count()).toBe(1);
  });

  it('refuses a wrong setup code and creates nothing', async () => {
    const client = new ApiClient(app);
    const error = await expectApiError(
      client.mutate('auth.setup', {
        setupCode: 'AAAA-BBBB-CCCC-DDDD',
        workspaceName: 'X',
        ...OWNER,
      }),
    );
    expect(error.status).toBe(403);
    expect(t.running.appliance.store.workspaces.count()).toBe(0);
  });
});

describe('sign-in and sessions', () => {
  it('sets an httpOnly, Secure, SameSite=Strict cookie with an expiry', async () => {
    await setupOwner(app);
    const reply = await httpsRequest(app(), 'POST', '/trpc/auth.login', {
      body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
      headers: { 'content-type': 'application/json', 'x-flowgento-request': '1' },
    });
    const cookie = String(reply.headers['set-cookie']);
    expect(cookie).toMatch(/^fg_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Expires=/);
  });

  it('audits failed and successful sign-ins with IP and user agent', async () => {
    const owner = await setupOwner(app);
    const stranger = new ApiClient(app);
    const error = await expectApiError(
      stranger.mutate('auth.login', { email: OWNER.email, password: 'wrong-password' }),
    );
    expect(error.status).toBe(401);
    await stranger.mutate('auth.login', { email: OWNER.email, password: OWNER.password });

    const entries = await owner.query<AuditRow[]>('audit.list', { limit: 10 });
    const failed = entries.find((e) => e.action === 'auth.login.failed');
    expect(failed).toMatchObject({
      outcome: 'failure',
      ip: '127.0.0.1',
      userAgent: 'flowgento-test/1.0',
    });
    expect(entries.some((e) => e.action === 'auth.login.succeeded')).toBe(true);
  });

  it('refuses a mutation without the request header a cross-site form cannot send', async () => {
    await setupOwner(app);
    const reply = await httpsRequest(app(), 'POST', '/trpc/auth.login', {
      body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(403);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('answers anonymous calls to member procedures with 401', async () => {
    await setupOwner(app);
    const anonymous = new ApiClient(app);
    expect((await expectApiError(anonymous.query('inbox.conversations'))).status).toBe(
      401,
    );
    expect(
      (
        await expectApiError(
          anonymous.mutate('members.invite', { role: 'ADMIN', email: null }),
        )
      ).status,
    ).toBe(401);
  });

  it('ends the session on sign-out', async () => {
    const owner = await setupOwner(app);
    const cookie = owner.cookie;
    await owner.mutate('auth.logout');
    const replay = new ApiClient(app);
    replay.cookie = cookie;
    expect(await replay.query('auth.me')).toBeNull();
  });
});

describe('members and roles', () => {
  it('lets an OWNER invite an AGENT with a single-use code', async () => {
    const owner = await setupOwner(app);
    const invite = await owner.mutate<{ code: string }>('members.invite', {
      role: 'AGENT',
      email: null,
    });
    const agent = new ApiClient(app);
    await agent.mutate('auth.acceptInvite', { code: invite.code, ...AGENT });
    expect(await agent.query('auth.me')).toMatchObject({ role: 'AGENT' });

    const late = new ApiClient(app);
    const error = await expectApiError(
      late.mutate('auth.acceptInvite', {
        code: invite.code,
        displayName: 'Late',
        email: 'late@acme.test',
        password: 'late-password-1',
      }),
    );
    expect(error.status).toBe(404);
  });

  it('forbids an AGENT from admin procedures, changing nothing', async () => {
    const owner = await setupOwner(app);
    const agent = await addAgent(app, owner);
    expect(
      (
        await expectApiError(
          agent.mutate('members.invite', { role: 'AGENT', email: null }),
        )
      ).status,
    ).toBe(403);
    expect((await expectApiError(agent.query('audit.list', { limit: 5 }))).status).toBe(
      403,
    );
    expect((await expectApiError(agent.query('whatsapp.numbers'))).status).toBe(403);
    expect(
      t.running.appliance.store.db.prepare('SELECT count(*) FROM invites').pluck().get(),
    ).toBe(1);
  });

  it('keeps the last OWNER: an ADMIN cannot demote them, nor can they step down', async () => {
    const owner = await setupOwner(app);
    const invite = await owner.mutate<{ code: string }>('members.invite', {
      role: 'ADMIN',
      email: null,
    });
    const admin = new ApiClient(app);
    await admin.mutate('auth.acceptInvite', {
      code: invite.code,
      displayName: 'Ada Admin',
      email: 'admin@acme.test',
      password: 'admin-password-1',
    });
    const me = await owner.query<{ userId: string }>('auth.me');

    const demote = await expectApiError(
      admin.mutate('members.setRole', { userId: me.userId, role: 'AGENT' }),
    );
    expect(demote.status).toBe(403);
    const self = await expectApiError(
      owner.mutate('members.setRole', { userId: me.userId, role: 'ADMIN' }),
    );
    expect(self.status).toBe(412);
    expect(self.reason).toBe('last_owner');
    const members = await owner.query<{ role: string }[]>('members.list');
    expect(members.filter((m) => m.role === 'OWNER')).toHaveLength(1);
  });

  it('audits role changes and removals in the same transaction as the change', async () => {
    const owner = await setupOwner(app);
    const agent = await addAgent(app, owner);
    const agentId = (await agent.query<{ userId: string }>('auth.me')).userId;
    await owner.mutate('members.setRole', { userId: agentId, role: 'ADMIN' });
    await owner.mutate('members.remove', { userId: agentId });
    const actions = (await owner.query<AuditRow[]>('audit.list', { limit: 20 })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'member.invited',
        'member.joined',
        'member.role_changed',
        'member.removed',
      ]),
    );
    // The removed member's session is gone.
    expect(await agent.query('auth.me')).toBeNull();
  });
});
