import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR_MS } from '@flowgento/core';
import {
  ApiClient,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { AGENT, OWNER, addAgent, addMember, setupOwner } from './flows.ts';

/** Moves forward when a test says so, so invites can expire without waiting. */
let offset = 0;
const clock = { now: () => Date.now() + offset };

let t: TestAppliance;
let owner: ApiClient;
const app = () => t.running;
const one = (sql: string, ...params: unknown[]) =>
  t.running.appliance.store.db
    .prepare(sql)
    .pluck()
    .get(...params);
const count = (sql: string, ...params: unknown[]) => one(sql, ...params) as number;
// Entries for changes made; a refusal by the permission check is audited as
// `access.denied`, which the permission-matrix tests cover, and one by a rule
// (the last OWNER) as `rule.refused`.
const auditCount = () =>
  count(
    `SELECT count(*) FROM audit_log WHERE action NOT IN ('access.denied', 'rule.refused')`,
  );

/** The refusals written down, oldest first: [procedure, reason or rule]. */
const refusals = () =>
  (
    t.running.appliance.store.db
      .prepare(
        `SELECT target_id AS procedure, details_json AS details FROM audit_log
         WHERE action IN ('access.denied', 'rule.refused') ORDER BY seq`,
      )
      .all() as { procedure: string; details: string }[]
  ).map((row) => {
    const details = JSON.parse(row.details) as { reason?: string; rule?: string };
    return [row.procedure, details.reason ?? details.rule];
  });

const ADMIN = {
  email: 'admin@acme.test',
  password: 'admin-password-1',
  displayName: 'Ada Admin',
};
const SECOND_OWNER = {
  email: 'owner2@acme.test',
  password: 'owner2-password-1',
  displayName: 'Otto Owner',
};
const NEWCOMER = {
  email: 'new@acme.test',
  password: 'new-password-123',
  displayName: 'Nina New',
};

interface Me {
  userId: string;
  role: string;
}
interface AuditRow {
  action: string;
  targetId: string | null;
  actorLabel: string | null;
  details: Record<string, unknown>;
}

beforeEach(async () => {
  offset = 0;
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' }, { clock });
  owner = await setupOwner(app);
});
afterEach(() => t.cleanup());

const idOf = async (client: ApiClient) => (await client.query<Me>('auth.me')).userId;
const roleOf = (userId: string) =>
  one('SELECT role FROM members WHERE user_id = ?', userId) as string | undefined;
const lastAudit = async () =>
  (await owner.query<AuditRow[]>('audit.list', { limit: 1 }))[0];

describe('invites', () => {
  it('answers a made-up code the same for any email, telling nothing of accounts or passwords', async () => {
    await addAgent(app, owner);
    const madeUp = 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ';
    const answers = [];
    for (const who of [
      { ...AGENT, password: 'not-the-password-1' },
      AGENT,
      { ...AGENT, email: 'nobody@acme.test' },
    ]) {
      const error = await expectApiError(
        new ApiClient(app).mutate('auth.acceptInvite', { code: madeUp, ...who }),
      );
      answers.push([error.code, error.reason]);
    }
    expect(answers).toEqual(Array(3).fill(['NOT_FOUND', 'invite_unusable']));
    // No password was checked, so no sign-in failure was counted.
    expect(count('SELECT count(*) FROM login_throttle')).toBe(0);
  });

  it('lets an OWNER revoke a pending invite, after which its code is refused', async () => {
    const invite = await owner.mutate<{ code: string }>('members.invite', {
      role: 'AGENT',
      email: null,
    });
    const [pending] = await owner.query<{ id: string }[]>('members.pendingInvites');
    await owner.mutate('members.revokeInvite', { inviteId: pending!.id });

    expect(await owner.query('members.pendingInvites')).toEqual([]);
    expect(await lastAudit()).toMatchObject({
      action: 'member.invite_revoked',
      targetId: pending!.id,
      actorLabel: OWNER.email,
      details: { role: 'AGENT' },
    });
    const refused = await expectApiError(
      new ApiClient(app).mutate('auth.acceptInvite', { code: invite.code, ...NEWCOMER }),
    );
    expect(refused.code).toBe('NOT_FOUND');
    expect(refused.message).toMatch(/revoked/);
    expect(count('SELECT count(*) FROM users')).toBe(1);
  });

  it('refuses to revoke a used invite and changes nothing', async () => {
    await addAgent(app, owner);
    const usedId = one('SELECT id FROM invites') as string;
    const before = auditCount();

    const error = await expectApiError(
      owner.mutate('members.revokeInvite', { inviteId: usedId }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.reason).toBe('invite_not_pending');
    expect(count('SELECT count(*) FROM invites')).toBe(1);
    expect(auditCount()).toBe(before);
  });

  it('lets an ADMIN revoke only invites for roles they could grant; an AGENT none', async () => {
    const admin = await addMember(app, owner, 'ADMIN', ADMIN);
    const agent = await addAgent(app, owner);
    await owner.mutate('members.invite', { role: 'OWNER', email: null });
    const [ownerInvite] = await owner.query<{ id: string }[]>('members.pendingInvites');
    const before = auditCount();

    const byAdmin = await expectApiError(
      admin.mutate('members.revokeInvite', { inviteId: ownerInvite!.id }),
    );
    expect(byAdmin.code).toBe('FORBIDDEN');
    expect(byAdmin.reason).toBe('role_not_assignable');
    const byAgent = await expectApiError(
      agent.mutate('members.revokeInvite', { inviteId: ownerInvite!.id }),
    );
    expect(byAgent.code).toBe('FORBIDDEN');
    expect(await owner.query('members.pendingInvites')).toHaveLength(1);
    expect(auditCount()).toBe(before);
  });

  it('expires an invite 72 hours after it was made', async () => {
    const early = await owner.mutate<{ code: string; expiresAt: number }>(
      'members.invite',
      { role: 'AGENT', email: null },
    );
    const late = await owner.mutate<{ code: string }>('members.invite', {
      role: 'AGENT',
      email: null,
    });
    expect(early.expiresAt - clock.now()).toBeGreaterThan(72 * HOUR_MS - 60_000);
    expect(early.expiresAt - clock.now()).toBeLessThanOrEqual(72 * HOUR_MS);

    offset = 72 * HOUR_MS - 60_000;
    await new ApiClient(app).mutate('auth.acceptInvite', { code: early.code, ...AGENT });
    offset = 72 * HOUR_MS;
    const error = await expectApiError(
      new ApiClient(app).mutate('auth.acceptInvite', { code: late.code, ...NEWCOMER }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(count('SELECT count(*) FROM users WHERE email = ?', NEWCOMER.email)).toBe(0);
  });
});

describe('changing roles', () => {
  it('refuses an ADMIN demoting or removing an OWNER, and changes nothing', async () => {
    // Two OWNERs, so only the ADMIN rule (not the last-OWNER one) stands in the way.
    await addMember(app, owner, 'OWNER', SECOND_OWNER);
    const admin = await addMember(app, owner, 'ADMIN', ADMIN);
    const ownerId = await idOf(owner);
    const before = auditCount();

    const demote = await expectApiError(
      admin.mutate('members.setRole', { userId: ownerId, role: 'AGENT' }),
    );
    expect(demote.code).toBe('FORBIDDEN');
    expect(demote.reason).toBe('owner_protected');
    const remove = await expectApiError(
      admin.mutate('members.remove', { userId: ownerId }),
    );
    expect(remove.code).toBe('FORBIDDEN');
    expect(roleOf(ownerId)).toBe('OWNER');
    expect(await owner.query('auth.me')).toMatchObject({ role: 'OWNER' });
    expect(auditCount()).toBe(before);
    // Each refusal is written down, with the rule that refused it.
    expect(refusals()).toEqual([
      ['members.setRole', 'owner_protected'],
      ['members.remove', 'owner_protected'],
    ]);
  });

  it('refuses an ADMIN making anyone OWNER, themselves included', async () => {
    const admin = await addMember(app, owner, 'ADMIN', ADMIN);
    const agentId = await idOf(await addAgent(app, owner));
    const adminId = await idOf(admin);

    const promote = await expectApiError(
      admin.mutate('members.setRole', { userId: agentId, role: 'OWNER' }),
    );
    expect(promote.code).toBe('FORBIDDEN');
    expect(promote.reason).toBe('role_not_assignable');
    const self = await expectApiError(
      admin.mutate('members.setRole', { userId: adminId, role: 'OWNER' }),
    );
    expect(self.code).toBe('FORBIDDEN');
    expect(self.reason).toBe('self_promotion');
    expect(roleOf(agentId)).toBe('AGENT');
    expect(roleOf(adminId)).toBe('ADMIN');
  });

  it('refuses the sole OWNER demoting, removing or leaving themselves, and changes nothing', async () => {
    await addAgent(app, owner);
    const ownerId = await idOf(owner);
    const before = auditCount();

    for (const attempt of [
      () => owner.mutate('members.setRole', { userId: ownerId, role: 'ADMIN' }),
      () => owner.mutate('members.setRole', { userId: ownerId, role: 'AGENT' }),
      () => owner.mutate('members.remove', { userId: ownerId }),
      () => owner.mutate('members.leave'),
    ]) {
      const error = await expectApiError(attempt());
      expect(error.code).toBe('PRECONDITION_FAILED');
      expect(error.reason).toBe('last_owner');
      expect(error.message).toMatch(/at least one OWNER/);
    }
    expect(roleOf(ownerId)).toBe('OWNER');
    // Still signed in: a refusal ends no session.
    expect(await owner.query('auth.me')).toMatchObject({ role: 'OWNER' });
    expect(auditCount()).toBe(before);
    expect(refusals().map(([, reason]) => reason)).toEqual(Array(4).fill('last_owner'));
  });

  it('lets an OWNER step down to ADMIN while another OWNER remains, signing them out', async () => {
    const second = await addMember(app, owner, 'OWNER', SECOND_OWNER);
    const ownerId = await idOf(owner);

    await owner.mutate('members.setRole', { userId: ownerId, role: 'ADMIN' });
    expect(roleOf(ownerId)).toBe('ADMIN');
    expect(owner.cookie).toBeUndefined();
    await owner.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    expect(await owner.query('auth.me')).toMatchObject({ role: 'ADMIN' });

    // The one left is now the last OWNER, and nobody climbs back on their own.
    const secondId = await idOf(second);
    const last = await expectApiError(
      second.mutate('members.setRole', { userId: secondId, role: 'ADMIN' }),
    );
    expect(last.reason).toBe('last_owner');
    const climb = await expectApiError(
      owner.mutate('members.setRole', { userId: ownerId, role: 'OWNER' }),
    );
    expect(climb.reason).toBe('self_promotion');
    expect(roleOf(ownerId)).toBe('ADMIN');
  });

  it('lets an OWNER demote or remove another OWNER while one remains', async () => {
    const second = await addMember(app, owner, 'OWNER', SECOND_OWNER);
    const secondId = await idOf(second);
    await owner.mutate('members.setRole', { userId: secondId, role: 'ADMIN' });
    expect(roleOf(secondId)).toBe('ADMIN');
    await owner.mutate('members.remove', { userId: secondId });
    expect(roleOf(secondId)).toBeUndefined();
  });
});

describe('leaving', () => {
  it('lets an AGENT leave: membership and sessions end, audited as member.left', async () => {
    const agent = await addAgent(app, owner);
    const agentId = await idOf(agent);
    const cookie = agent.cookie;

    await agent.mutate('members.leave');
    expect(agent.cookie).toBeUndefined();
    expect(roleOf(agentId)).toBeUndefined();
    const replay = new ApiClient(app);
    replay.cookie = cookie;
    expect(await replay.query('auth.me')).toBeNull();
    expect(count('SELECT count(*) FROM sessions WHERE user_id = ?', agentId)).toBe(0);
    expect(await lastAudit()).toMatchObject({
      action: 'member.left',
      targetId: agentId,
      actorLabel: AGENT.email,
      details: { role: 'AGENT', unassigned: 0 },
    });
    const members = await owner.query<Me[]>('members.list');
    expect(members.map((m) => m.userId)).not.toContain(agentId);
  });

  it('lets one of two OWNERs leave; the other then cannot', async () => {
    const second = await addMember(app, owner, 'OWNER', SECOND_OWNER);
    await owner.mutate('members.leave');
    expect(await owner.query('auth.me')).toBeNull();

    const error = await expectApiError(second.mutate('members.leave'));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(await second.query('auth.me')).toMatchObject({ role: 'OWNER' });
  });

  it('answers an anonymous leave with 401', async () => {
    const error = await expectApiError(new ApiClient(app).mutate('members.leave'));
    expect(error.status).toBe(401);
  });
});
