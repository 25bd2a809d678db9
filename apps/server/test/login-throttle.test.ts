import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  TestClock,
  expectApiError,
  startTestAppliance,
  type ApiError,
  type TestAppliance,
} from './harness.ts';
import { OWNER, setupOwner } from './flows.ts';

let t: TestAppliance;
let clock: TestClock;
const app = () => t.running;

beforeEach(async () => {
  clock = new TestClock();
  // Waits are asserted to the second; real time must not shave them.
  clock.freeze();
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' }, { clock });
});
afterEach(() => t.cleanup());

function attempt(email: string, password: string): Promise<unknown> {
  return new ApiClient(app).mutate('auth.login', { email, password });
}

async function failTimes(times: number, email: string): Promise<void> {
  for (let i = 0; i < times; i++) {
    const error = await expectApiError(attempt(email, 'not-the-password'));
    expect(error.code, `failure ${i + 1}`).toBe('UNAUTHORIZED');
  }
}

async function refused(email: string, password: string): Promise<ApiError> {
  const error = await expectApiError(attempt(email, password));
  expect(error.status).toBe(429);
  expect(error.code).toBe('TOO_MANY_REQUESTS');
  return error;
}

describe('sign-in throttling per account', () => {
  it('refuses even the right password after five failures, until the wait is over', async () => {
    await setupOwner(app);
    await failTimes(5, OWNER.email);

    const error = await refused(OWNER.email, OWNER.password);
    expect(error.reason).toBe('login_throttled');
    expect(error.message).toMatch(/Try again in 30 seconds \(after \d\d:\d\d:\d\d UTC\)/);
    clock.advance(29 * 1000);
    await refused(OWNER.email, OWNER.password);

    clock.advance(2 * 1000);
    await attempt(OWNER.email, OWNER.password);
    // The success cleared the count: one more mistake is just a mistake.
    await failTimes(1, OWNER.email);
  });

  it('doubles the wait with each further failure', async () => {
    await setupOwner(app);
    await failTimes(5, OWNER.email);
    clock.advance(31 * 1000);
    await failTimes(1, OWNER.email);

    const error = await refused(OWNER.email, OWNER.password);
    expect(error.message).toMatch(/Try again in 1 minute/);
    clock.advance(31 * 1000);
    await refused(OWNER.email, OWNER.password);
    clock.advance(30 * 1000);
    await failTimes(1, OWNER.email);
    expect((await refused(OWNER.email, OWNER.password)).message).toMatch(
      /Try again in 2 minutes/,
    );
  });

  it('throttles an unknown email exactly like a known one', async () => {
    await setupOwner(app);
    const nobody = 'nobody@acme.test';
    await failTimes(5, OWNER.email);
    await failTimes(5, nobody);

    const known = await refused(OWNER.email, OWNER.password);
    const unknown = await refused(nobody, 'whatever-password');
    const withoutTime = (e: ApiError) => ({
      status: e.status,
      code: e.code,
      reason: e.reason,
      message: e.message.replace(/\d\d:\d\d:\d\d/, 'hh:mm:ss'),
    });
    expect(withoutTime(unknown)).toEqual(withoutTime(known));
  });

  it('counts an email without regard to its case', async () => {
    await setupOwner(app);
    await failTimes(3, OWNER.email);
    await failTimes(2, OWNER.email.toUpperCase());
    await refused(OWNER.email, OWNER.password);
  });

  it('keeps the count across a restart', async () => {
    await setupOwner(app);
    await failTimes(5, OWNER.email);
    await t.restart();
    await refused(OWNER.email, OWNER.password);
  });

  it('lets no more parallel guesses through than failures are left', async () => {
    await setupOwner(app);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () =>
        expectApiError(attempt(OWNER.email, 'not-the-password')),
      ),
    );
    const checked = outcomes.filter((e) => e.code === 'UNAUTHORIZED');
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(outcomes.filter((e) => e.code === 'TOO_MANY_REQUESTS').length).toBe(
      12 - checked.length,
    );
  });

  it('audits each failure and the wait it started', async () => {
    const owner = await setupOwner(app);
    await failTimes(5, OWNER.email);
    clock.advance(31 * 1000);
    await attempt(OWNER.email, OWNER.password);

    const entries = await owner.query<
      { action: string; ip: string | null; details: Record<string, unknown> }[]
    >('audit.list', { limit: 10 });
    const failures = entries.filter((e) => e.action === 'auth.login.failed');
    expect(failures).toHaveLength(5);
    expect(failures[0]).toMatchObject({ ip: '127.0.0.1', details: { waitSeconds: 30 } });
    expect(failures[1]!.details).toEqual({});
  });
});

describe('sign-in throttling per address', () => {
  it('refuses an address that failed on twenty different emails, for any account', async () => {
    await setupOwner(app);
    for (let i = 0; i < 20; i++) await failTimes(1, `guess-${i}@acme.test`);

    const error = await refused(OWNER.email, OWNER.password);
    expect(error.reason).toBe('login_throttled');
    clock.advance(31 * 1000);
    await attempt(OWNER.email, OWNER.password);
  });
});

describe('sign-in throttling on other paths', () => {
  it('counts wrong passwords given to accept an invite, so an invite is no way around it', async () => {
    const owner = await setupOwner(app);
    const invite = await owner.mutate<{ code: string }>('members.invite', {
      role: 'AGENT',
      email: null,
    });
    const accept = (password: string) =>
      new ApiClient(app).mutate('auth.acceptInvite', {
        code: invite.code,
        displayName: 'Mallory',
        email: OWNER.email,
        password,
      });
    for (let i = 0; i < 5; i++) {
      expect((await expectApiError(accept('not-the-password'))).code).toBe(
        'UNAUTHORIZED',
      );
    }
    expect((await expectApiError(accept(OWNER.password))).code).toBe('TOO_MANY_REQUESTS');
    await refused(OWNER.email, OWNER.password);
  });
});
