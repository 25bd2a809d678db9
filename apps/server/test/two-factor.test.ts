import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromBase32, totpCode, totpStep } from '@flowgento/access';
import {
  ApiClient,
  TestClock,
  expectApiError,
  startTestAppliance,
  type TestAppliance,
} from './harness.ts';
import { AGENT, OWNER, addAgent, addMember, setupOwner } from './flows.ts';

const ADMIN = {
  email: 'admin@acme.test',
  password: 'admin-password-1',
  displayName: 'Ada Admin',
};

let t: TestAppliance;
let clock: TestClock;
const app = () => t.running;

beforeEach(async () => {
  clock = new TestClock();
  clock.freeze();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' }, { clock });
});
afterEach(() => t.cleanup());

/** The code an authenticator app shows now, `steps` 30-second steps later. */
const codeFor = (secret: string, steps = 0) =>
  totpCode(fromBase32(secret), totpStep(clock.now()) + steps);

async function turnOn(
  client: ApiClient,
): Promise<{ secret: string; recovery: string[] }> {
  const { secret } = await client.mutate<{ secret: string }>('twoFactor.begin');
  const { recoveryCodes } = await client.mutate<{ recoveryCodes: string[] }>(
    'twoFactor.confirm',
    { code: codeFor(secret) },
  );
  return { secret, recovery: recoveryCodes };
}

type LoginReply = { secondFactor: { challenge: string } | null };

async function passwordStep(who: { email: string; password: string }) {
  const client = new ApiClient(app);
  const reply = await client.mutate<LoginReply>('auth.login', {
    email: who.email,
    password: who.password,
  });
  return { client, challenge: reply.secondFactor?.challenge };
}

const auditActions = () =>
  t.running.appliance.store.db
    .prepare('SELECT action FROM audit_log ORDER BY seq')
    .pluck()
    .all() as string[];

describe('signing in with two-factor on', () => {
  it('asks for a code after the password, and signs in only with a right one', async () => {
    const owner = await setupOwner(app);
    const { secret } = await turnOn(owner);
    clock.advance(30_000);

    const { client, challenge } = await passwordStep(OWNER);
    expect(challenge).toBeTruthy();
    expect(client.cookie).toBeUndefined();
    expect(await client.query('auth.me')).toBeNull();

    const wrong = await expectApiError(
      client.mutate('auth.loginSecondFactor', { challenge, code: '000000' }),
    );
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(client.cookie).toBeUndefined();

    await client.mutate('auth.loginSecondFactor', { challenge, code: codeFor(secret) });
    expect(await client.query<{ email: string }>('auth.me')).toMatchObject({
      email: OWNER.email,
    });
    const challenges = t.running.appliance.store.db
      .prepare('SELECT count(*) FROM login_challenges')
      .pluck()
      .get();
    expect(challenges).toBe(0);
    expect(auditActions()).toEqual(
      expect.arrayContaining(['two_factor.enabled', 'auth.login.failed']),
    );
  });

  it('accepts a recovery code once, in place of the app', async () => {
    const owner = await setupOwner(app);
    const { recovery } = await turnOn(owner);
    const code = recovery[0]!;

    const first = await passwordStep(OWNER);
    await first.client.mutate('auth.loginSecondFactor', {
      challenge: first.challenge,
      code,
    });
    expect(await first.client.query('auth.me')).not.toBeNull();

    const second = await passwordStep(OWNER);
    const reused = await expectApiError(
      second.client.mutate('auth.loginSecondFactor', {
        challenge: second.challenge,
        code,
      }),
    );
    expect(reused.code).toBe('UNAUTHORIZED');
  });

  it('lets a challenge take five guesses, then must start again from the password', async () => {
    const owner = await setupOwner(app);
    const { secret } = await turnOn(owner);
    clock.advance(30_000);
    const { client, challenge } = await passwordStep(OWNER);
    for (let i = 0; i < 5; i += 1) {
      await expectApiError(
        client.mutate('auth.loginSecondFactor', { challenge, code: '000000' }),
      );
    }
    const spent = await expectApiError(
      client.mutate('auth.loginSecondFactor', { challenge, code: codeFor(secret) }),
    );
    expect(spent.reason).toBe('login_challenge_expired');
    expect(client.cookie).toBeUndefined();
  });

  it('counts wrong codes against the account, so a known password buys no free guesses', async () => {
    const owner = await setupOwner(app);
    const { secret } = await turnOn(owner);
    clock.advance(30_000);
    for (let round = 0; round < 5; round += 1) {
      const { client, challenge } = await passwordStep(OWNER);
      await expectApiError(
        client.mutate('auth.loginSecondFactor', { challenge, code: '000000' }),
      );
    }
    const refused = await expectApiError(passwordStep(OWNER));
    expect(refused.code).toBe('TOO_MANY_REQUESTS');

    clock.advance(31_000);
    const { client, challenge } = await passwordStep(OWNER);
    await client.mutate('auth.loginSecondFactor', { challenge, code: codeFor(secret) });
    expect(await client.query('auth.me')).not.toBeNull();
  });

  it('expires the code step after five minutes', async () => {
    const owner = await setupOwner(app);
    const { secret } = await turnOn(owner);
    const { client, challenge } = await passwordStep(OWNER);
    clock.advance(5 * 60 * 1000 + 1000);
    const late = await expectApiError(
      client.mutate('auth.loginSecondFactor', { challenge, code: codeFor(secret) }),
    );
    expect(late.reason).toBe('login_challenge_expired');
  });
});

describe('managing two-factor', () => {
  it('keeps it on when the code to turn it off is wrong, and turns it off with a right one', async () => {
    const owner = await setupOwner(app);
    const { secret } = await turnOn(owner);
    clock.advance(30_000);
    const wrong = await expectApiError(
      owner.mutate('twoFactor.disable', { code: '000000' }),
    );
    expect(wrong.code).toBe('BAD_REQUEST');
    expect(await owner.query('auth.me')).not.toBeNull();
    expect(await owner.query('twoFactor.status')).toMatchObject({ enabled: true });

    await owner.mutate('twoFactor.disable', { code: codeFor(secret) });
    expect(await owner.query('twoFactor.status')).toMatchObject({ enabled: false });
    const { challenge } = await passwordStep(OWNER);
    expect(challenge).toBeUndefined();
  });

  it('limits guesses at the code that guards changes, as sign-in does, and audits each', async () => {
    const owner = await setupOwner(app);
    const { secret } = await turnOn(owner);
    clock.advance(30_000);
    for (let i = 0; i < 5; i += 1) {
      const wrong = await expectApiError(
        owner.mutate('twoFactor.regenerateRecoveryCodes', { code: '000000' }),
      );
      expect(wrong.code).toBe('BAD_REQUEST');
    }
    // Waiting now: even the right code is not looked at.
    const held = await expectApiError(
      owner.mutate('twoFactor.disable', { code: codeFor(secret) }),
    );
    expect(held.code).toBe('TOO_MANY_REQUESTS');
    expect(await owner.query('twoFactor.status')).toMatchObject({ enabled: true });
    expect(auditActions().filter((a) => a === 'two_factor.code_rejected')).toHaveLength(
      5,
    );

    clock.advance(31_000);
    await owner.mutate('twoFactor.disable', { code: codeFor(secret) });
    expect(await owner.query('twoFactor.status')).toMatchObject({ enabled: false });
  });

  it('does not let an account with two-factor join through an invite with its password alone', async () => {
    const owner = await setupOwner(app);
    const agent = await addAgent(app, owner);
    await turnOn(agent);
    const invite = await owner.mutate<{ code: string }>('members.invite', {
      role: 'AGENT',
      email: null,
    });
    const stranger = new ApiClient(app);
    const refused = await expectApiError(
      stranger.mutate('auth.acceptInvite', { code: invite.code, ...AGENT }),
    );
    expect(refused.reason).toBe('two_factor_account_invite');
    expect(stranger.cookie).toBeUndefined();
  });
});

describe('the workspace rule', () => {
  it('is an OWNER decision, refused to an ADMIN', async () => {
    const owner = await setupOwner(app);
    await turnOn(owner);
    const admin = await addMember(app, owner, 'ADMIN', ADMIN);
    const refused = await expectApiError(
      admin.mutate('twoFactor.setRequired', { required: true }),
    );
    expect(refused.code).toBe('FORBIDDEN');
    expect(await owner.query('twoFactor.status')).toMatchObject({
      workspaceRequires: false,
    });
  });

  it('holds an ADMIN without a second factor to setting one up, and leaves AGENTs alone', async () => {
    const owner = await setupOwner(app);
    await turnOn(owner);
    const agent = await addAgent(app, owner);
    const admin = await addMember(app, owner, 'ADMIN', ADMIN);

    await owner.mutate('twoFactor.setRequired', { required: true });

    const held = await expectApiError(admin.query('inbox.conversations', {}));
    expect(held.code).toBe('PRECONDITION_FAILED');
    expect(held.reason).toBe('two_factor_required');
    expect(await admin.query('auth.me')).toMatchObject({ secondFactorMissing: true });
    await admin.query('sessions.list');
    await agent.query('inbox.conversations', {});

    clock.advance(30_000);
    await turnOn(admin);
    await admin.query('inbox.conversations', {});
    expect(await admin.query('auth.me')).toMatchObject({ secondFactorMissing: false });
    expect(auditActions()).toContain('workspace.two_factor_required');
  });
});
