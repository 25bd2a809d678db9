import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR_MS } from '@flowgento/core';
import {
  ApiClient,
  TestClock,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { AGENT, OWNER, addAgent, setupOwner } from './flows.ts';

const MINUTE_MS = 60 * 1000;
const CHROME_ON_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 ' +
  '(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let t: TestAppliance;
let clock: TestClock;
const app = () => t.running;

beforeEach(async () => {
  clock = new TestClock();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' }, { clock });
});
afterEach(() => t.cleanup());

interface SessionRow {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  ip: string | null;
  device: string;
  current: boolean;
}

interface AuditRow {
  action: string;
  actorLabel: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

async function signIn(who: { email: string; password: string }, userAgent?: string) {
  const client = new ApiClient(app, userAgent);
  await client.mutate('auth.login', { email: who.email, password: who.password });
  return client;
}

function storedSessions(): number {
  return t.running.appliance.store.db
    .prepare('SELECT count(*) FROM sessions')
    .pluck()
    .get() as number;
}

describe('idle and absolute session limits', () => {
  it('ends a session unused for more than an hour and deletes it', async () => {
    const owner = await setupOwner(app);
    clock.advance(59 * MINUTE_MS);
    expect(await owner.query('auth.me')).toMatchObject({ email: OWNER.email });

    // That use restarted the idle hour.
    clock.advance(59 * MINUTE_MS);
    expect(await owner.query('auth.me')).toMatchObject({ email: OWNER.email });

    clock.advance(61 * MINUTE_MS);
    expect(await owner.query('auth.me')).toBeNull();
    expect((await expectApiError(owner.query('sessions.list'))).status).toBe(401);
    expect(storedSessions()).toBe(0);
  });

  it('records last use at most once a minute, not on every request', async () => {
    const owner = await setupOwner(app);
    const lastUsed = async () =>
      (await owner.query<SessionRow[]>('sessions.list'))[0]!.lastUsedAt;
    const signedInAt = await lastUsed();

    clock.advance(30 * 1000);
    await owner.query('auth.me');
    expect(await lastUsed()).toBe(signedInAt);

    clock.advance(31 * 1000);
    await owner.query('auth.me');
    expect(await lastUsed()).toBeGreaterThan(signedInAt + MINUTE_MS);
  });

  it('sweeps sessions nobody presents again at the member’s next sign-in', async () => {
    await setupOwner(app);
    await signIn(OWNER, CHROME_ON_WINDOWS);
    expect(storedSessions()).toBe(2);
    clock.advance(2 * HOUR_MS);
    await signIn(OWNER);
    expect(storedSessions()).toBe(1);
  });

  it('ends a session 12 hours after sign-in even while it is in use', async () => {
    const owner = await setupOwner(app);
    for (let hours = 0.5; hours < 12; hours += 0.5) {
      clock.advance(HOUR_MS / 2);
      expect(await owner.query('auth.me'), `after ${hours} h`).not.toBeNull();
    }
    clock.advance(HOUR_MS / 2);
    expect(await owner.query('auth.me')).toBeNull();
    expect(storedSessions()).toBe(0);
  });
});

describe('a member’s own sessions', () => {
  it('lists them with the current one marked and the device shortened', async () => {
    const owner = await setupOwner(app);
    await signIn(OWNER, CHROME_ON_WINDOWS);
    const sessions = await owner.query<SessionRow[]>('sessions.list');
    expect(sessions).toHaveLength(2);
    expect(sessions.map((s) => s.current)).toEqual([true, false]);
    const other = sessions.find((s) => !s.current)!;
    expect(other).toMatchObject({ ip: '127.0.0.1', device: 'Chrome on Windows' });
    expect(sessions.find((s) => s.current)!.device).toBe('flowgento-test/1.0');
  });

  it('revokes another device: its cookie is refused on the next call, and it is audited', async () => {
    const owner = await setupOwner(app);
    const laptop = await signIn(OWNER, CHROME_ON_WINDOWS);
    const other = (await owner.query<SessionRow[]>('sessions.list')).find(
      (s) => !s.current,
    )!;

    expect(await owner.mutate('sessions.revoke', { sessionId: other.id })).toEqual({
      current: false,
    });
    const refused = await expectApiError(laptop.query('sessions.list'));
    expect(refused.code).toBe('UNAUTHORIZED');
    expect(await owner.query<SessionRow[]>('sessions.list')).toHaveLength(1);

    const audit = await owner.query<AuditRow[]>('audit.list', { limit: 5 });
    expect(audit.find((e) => e.action === 'session.revoked')).toMatchObject({
      actorLabel: OWNER.email,
      targetId: other.id,
      ip: '127.0.0.1',
      userAgent: 'flowgento-test/1.0',
      details: { current: false },
    });
  });

  it('signs out everywhere, this browser included, and clears its cookie', async () => {
    const owner = await setupOwner(app);
    const laptop = await signIn(OWNER, CHROME_ON_WINDOWS);
    const oldCookie = owner.cookie;

    expect(await owner.mutate('sessions.revokeAll')).toEqual({ ended: 2 });
    expect(owner.cookie).toBeUndefined();
    expect(await laptop.query('auth.me')).toBeNull();
    const replay = new ApiClient(app);
    replay.cookie = oldCookie;
    expect(await replay.query('auth.me')).toBeNull();
    expect(storedSessions()).toBe(0);

    const again = await signIn(OWNER);
    const audit = await again.query<AuditRow[]>('audit.list', { limit: 5 });
    expect(audit.find((e) => e.action === 'session.revoked_all')).toMatchObject({
      actorLabel: OWNER.email,
      ip: '127.0.0.1',
      userAgent: 'flowgento-test/1.0',
      details: { ended: 2 },
    });
  });

  it('refuses to revoke another member’s session as NOT_FOUND and changes nothing', async () => {
    const owner = await setupOwner(app);
    const agent = await addAgent(app, owner);
    const agentSession = (await agent.query<SessionRow[]>('sessions.list'))[0]!;

    const error = await expectApiError(
      owner.mutate('sessions.revoke', { sessionId: agentSession.id }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(await agent.query('auth.me')).toMatchObject({ email: AGENT.email });
    expect(storedSessions()).toBe(2);
    const audit = await owner.query<AuditRow[]>('audit.list', { limit: 10 });
    expect(audit.some((e) => e.action === 'session.revoked')).toBe(false);
  });
});

describe('new session ids', () => {
  it('gives a browser that signs in again a new id and ends the one it had', async () => {
    const owner = await setupOwner(app);
    const phone = await signIn(OWNER, CHROME_ON_WINDOWS);
    const before = owner.cookie;

    await owner.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    expect(owner.cookie).toBeDefined();
    expect(owner.cookie).not.toBe(before);
    const replay = new ApiClient(app);
    replay.cookie = before;
    expect(await replay.query('auth.me')).toBeNull();
    // Another device's session is not this browser's to end.
    expect(await phone.query('auth.me')).not.toBeNull();
  });

  it('ends every session of a member whose role changes; they sign in to a new one', async () => {
    const owner = await setupOwner(app);
    const agent = await addAgent(app, owner);
    const agentPhone = await signIn(AGENT, CHROME_ON_WINDOWS);
    const agentId = (await agent.query<{ userId: string }>('auth.me')).userId;
    const oldCookies = [agent.cookie, agentPhone.cookie];

    await owner.mutate('members.setRole', { userId: agentId, role: 'ADMIN' });
    expect(await agent.query('auth.me')).toBeNull();
    expect(await agentPhone.query('auth.me')).toBeNull();
    expect(await owner.query('auth.me')).toMatchObject({ role: 'OWNER' });

    const back = await signIn(AGENT);
    expect(await back.query('auth.me')).toMatchObject({ role: 'ADMIN' });
    expect(oldCookies).not.toContain(back.cookie);
  });
});
