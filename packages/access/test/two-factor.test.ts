import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '@flowgento/audit';
import { unwrapSecretText, wrapSecret } from '@flowgento/crypto';
import {
  migrate,
  openEncryptedDatabase,
  Store,
  workspaceScope,
  type Role,
} from '@flowgento/store';
import type { AuthContext } from '../src/auth-context.ts';
import { fromBase32, totpCode, totpStep } from '../src/totp.ts';
import { LoginThrottle } from '../src/login-throttle.ts';
import { TwoFactorService } from '../src/two-factor.ts';

const origin = { ip: '127.0.0.1', userAgent: 'vitest' };
let dir: string;
let store: Store;
let now: number;
let service: TwoFactorService;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fg-2fa-'));
  const db = openEncryptedDatabase({ path: join(dir, 'db'), key: randomBytes(32) });
  migrate(db);
  now = Date.UTC(2026, 11, 4, 12, 0, 0);
  store = new Store(db, { now: () => now });
  const key = randomBytes(32);
  service = new TwoFactorService(
    store,
    {
      wrap: (plaintext, aad) => wrapSecret(key, plaintext, aad),
      unwrapText: (blob, aad) => unwrapSecretText(key, blob, aad),
    },
    new AuditLog(store),
    { now: () => now },
    new LoginThrottle(store, { now: () => now }),
  );
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function member(role: Role, workspaceId?: string): AuthContext {
  return store.transaction(() => {
    const workspace = workspaceId
      ? store.workspaces.get(workspaceId)!
      : store.workspaces.create('W');
    const user = store.users.create({
      email: `${randomBytes(4).toString('hex')}@example.com`,
      displayName: 'Person',
      passwordHash: 'x',
    });
    const scope = workspaceScope(workspace.id);
    store.in(scope).members.add(user.id, role);
    return {
      userId: user.id,
      email: user.email,
      displayName: user.displayName,
      workspaceId: workspace.id,
      workspaceName: workspace.name,
      role,
      scope,
      sessionIdHash: 'h',
    };
  });
}

const codeNow = (secret: string, offsetSteps = 0) =>
  totpCode(fromBase32(secret), totpStep(now) + offsetSteps);
const actions = () =>
  store.db.prepare('SELECT action FROM audit_log ORDER BY seq').pluck().all();

function enable(auth: AuthContext): { secret: string; recovery: string[] } {
  const { secret } = service.begin(auth);
  return { secret, recovery: service.confirm(auth, codeNow(secret), origin) };
}

describe('turning two-factor sign-in on', () => {
  it('stays off until a code from the new secret is typed back', () => {
    const owner = member('OWNER');
    const { secret, uri } = service.begin(owner);
    expect(uri).toContain(`secret=${secret}`);
    expect(service.isEnabled(owner.userId)).toBe(false);

    expect(() => service.confirm(owner, '000000', origin)).toThrow(/wrong/);
    expect(service.isEnabled(owner.userId)).toBe(false);
    expect(actions()).toEqual([]);

    const recovery = service.confirm(owner, codeNow(secret), origin);
    expect(recovery).toHaveLength(10);
    expect(new Set(recovery).size).toBe(10);
    expect(service.isEnabled(owner.userId)).toBe(true);
    expect(actions()).toEqual(['two_factor.enabled']);
  });

  it('keeps the secret wrapped and recovery codes hashed, never in the clear', () => {
    const owner = member('OWNER');
    const { secret, recovery } = enable(owner);
    const dump = JSON.stringify([
      store.db.prepare('SELECT * FROM two_factor').all(),
      store.db.prepare('SELECT * FROM recovery_codes').all(),
    ]);
    expect(dump).not.toContain(secret);
    for (const code of recovery) expect(dump).not.toContain(code);
  });
});

describe('codes at sign-in', () => {
  it('accepts each TOTP code once, and each recovery code once', () => {
    const owner = member('OWNER');
    const { secret, recovery } = enable(owner);
    now += 30_000;
    const code = codeNow(secret);
    expect(store.transaction(() => service.verify(owner.userId, code))).toBe(true);
    expect(store.transaction(() => service.verify(owner.userId, code))).toBe(false);

    const spare = recovery[3]!;
    expect(
      store.transaction(() => service.verify(owner.userId, spare.toLowerCase())),
    ).toBe(true);
    expect(store.transaction(() => service.verify(owner.userId, spare))).toBe(false);
    expect(service.status(owner).recoveryCodesLeft).toBe(9);
  });

  it('knows no code for someone without two-factor', () => {
    const agent = member('AGENT');
    expect(store.transaction(() => service.verify(agent.userId, '123456'))).toBe(false);
  });
});

describe('the workspace requirement', () => {
  it('cannot be switched on by an OWNER who has no second factor', () => {
    const owner = member('OWNER');
    expect(() => service.setRequired(owner, true, origin)).toThrow(/yourself/);
    expect(service.status(owner).workspaceRequires).toBe(false);
  });

  it('applies to OWNERs and ADMINs without one, not to AGENTs, and keeps it from being turned off', () => {
    const owner = member('OWNER');
    const { secret } = enable(owner);
    service.setRequired(owner, true, origin);
    const admin = member('ADMIN', owner.workspaceId);
    const agent = member('AGENT', owner.workspaceId);

    expect(service.isMissingFor(admin)).toBe(true);
    expect(service.isMissingFor(agent)).toBe(false);
    expect(service.isMissingFor(owner)).toBe(false);

    now += 30_000;
    expect(() => service.disable(owner, codeNow(secret), origin)).toThrow(/requires/);
    expect(service.isEnabled(owner.userId)).toBe(true);
    expect(actions()).toEqual(['two_factor.enabled', 'workspace.two_factor_required']);
  });

  it('lets a person turn it off with a current code once it is optional', () => {
    const admin = member('ADMIN');
    const { secret } = enable(admin);
    now += 30_000;
    expect(() => service.disable(admin, '000000', origin)).toThrow(/wrong/);
    expect(service.isEnabled(admin.userId)).toBe(true);
    service.disable(admin, codeNow(secret), origin);
    expect(service.isEnabled(admin.userId)).toBe(false);
    expect(service.status(admin).recoveryCodesLeft).toBe(0);
  });
});
