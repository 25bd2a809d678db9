import {
  AppError,
  randomToken,
  type Clock,
  type Logger,
  type RequestOrigin,
} from '@flowgento/core';
import {
  hashPassword,
  sha256Hex,
  validateNewPassword,
  verifyPassword,
} from '@flowgento/crypto';
import { workspaceScope, type Store } from '@flowgento/store';
import type { AuditLog } from '@flowgento/audit';
import { actorOf, type AuthContext } from './auth-context.ts';
import { humanCode, normalizeCode } from './codes.ts';
import type { LoginThrottle, ThrottleKey } from './login-throttle.ts';
import { MemberService } from './member-service.ts';
import { SessionService, type IssuedSession, type SessionSummary } from './sessions.ts';
import { SupportAccessService } from './support-access.ts';
import type { TwoFactorService } from './two-factor.ts';

/** Time to type the code after the password, and guesses allowed per password. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;
const CHALLENGE_ATTEMPTS = 5;

/** Where a right password leads: straight in, or on to the code step. */
export type SignInStep =
  | { kind: 'signed-in'; session: IssuedSession }
  | { kind: 'second-factor'; challenge: string; expiresAt: number };

export interface NewAccount {
  email: string;
  displayName: string;
  password: string;
}

/**
 * People and their access: the first OWNER, sign-in, accepting invites; the
 * team itself is `members`. Each change and its audit entry are written in
 * one transaction.
 */
export class AccessService {
  readonly sessions: SessionService;
  readonly members: MemberService;
  readonly support: SupportAccessService;
  /** Compared against when an email is unknown, so timing does not reveal it. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly twoFactor: TwoFactorService,
    /** Shared with two-factor checks, so one count covers every way of guessing. */
    private readonly throttle: LoginThrottle,
  ) {
    this.support = new SupportAccessService(store, audit, clock);
    this.sessions = new SessionService(store, clock, this.support);
    this.members = new MemberService(store, audit, clock);
  }

  /** A fresh setup code while no one owns the appliance; null afterwards. */
  prepareSetupCode(): string | null {
    if (this.store.users.count() > 0) return null;
    const code = humanCode(4);
    this.store.setup.replaceCode(sha256Hex(code));
    return code;
  }

  needsSetup(): boolean {
    return this.store.users.count() === 0;
  }

  /** Creates the workspace and its OWNER, spending the one-time setup code. */
  async completeSetup(
    input: { setupCode: string; workspaceName: string } & NewAccount,
    origin: RequestOrigin,
  ): Promise<IssuedSession> {
    validateNewPassword(input.password);
    const passwordHash = await hashPassword(input.password);
    const codeHash = sha256Hex(normalizeCode(input.setupCode));

    return this.store.transaction(() => {
      if (!this.store.setup.consume(codeHash)) {
        throw new AppError('FORBIDDEN', 'The setup code is wrong or was already used', {
          reason: 'setup_code_rejected',
        });
      }
      const workspace = this.store.workspaces.create(input.workspaceName);
      const user = this.store.users.create({
        email: input.email,
        displayName: input.displayName,
        passwordHash,
      });
      this.store.in(workspaceScope(workspace.id)).members.add(user.id, 'OWNER');
      this.audit.record({
        workspaceId: workspace.id,
        actor: { type: 'user', id: user.id, label: user.email },
        action: 'workspace.created',
        target: { type: 'workspace', id: workspace.id },
        origin,
      });
      return this.sessions.issue(user.id, workspace.id, origin);
    });
  }

  /**
   * Signs in with a new session id. `replacing` is the cookie the browser
   * already held, if any: that session ends, so one browser holds one session.
   * While the account or the address waits after failures, the attempt is
   * refused before any password is checked.
   */
  /**
   * The password step of sign-in. For a person with two-factor on, a right
   * password yields only a short-lived challenge for the code step, and the
   * account's failure count is kept until that step succeeds too, so knowing
   * the password does not buy unlimited guesses at the code.
   */
  async login(
    email: string,
    password: string,
    origin: RequestOrigin,
    replacing?: string,
  ): Promise<SignInStep> {
    const keys = this.throttle.keysFor(email, origin.ip);
    const release = this.throttle.admit(keys);
    try {
      return await this.checkPassword(email, password, origin, keys, replacing);
    } finally {
      release();
    }
  }

  /** The code step: a TOTP code or an unused recovery code, against a live challenge. */
  completeSecondFactor(
    challenge: string,
    code: string,
    origin: RequestOrigin,
    replacing?: string,
  ): IssuedSession {
    const idHash = sha256Hex(challenge);
    const now = this.clock.now();
    const pending = this.store.transaction(() =>
      this.store.twoFactor.attemptChallenge(idHash, now),
    );
    const user = pending && this.store.users.get(pending.userId);
    if (!pending || !user || pending.attempts > CHALLENGE_ATTEMPTS) {
      if (pending)
        this.store.transaction(() => this.store.twoFactor.endChallenge(idHash));
      throw new AppError('UNAUTHENTICATED', 'This sign-in has expired; start again', {
        reason: 'login_challenge_expired',
      });
    }
    const keys = this.throttle.keysFor(user.email, origin.ip);
    const release = this.throttle.admit(keys);
    try {
      const signedIn = this.store.transaction(() => {
        if (!this.twoFactor.verify(user.id, code)) {
          const wait = this.throttle.recordFailure(keys);
          this.audit.record({
            workspaceId: pending.workspaceId,
            actor: { type: 'anonymous', label: user.email },
            action: 'auth.login.failed',
            outcome: 'failure',
            target: { type: 'user', id: user.id },
            origin,
            details: { step: 'second_factor', waitSeconds: Math.ceil(wait / 1000) },
          });
          return null;
        }
        this.store.twoFactor.endChallenge(idHash);
        return this.startSession(
          user,
          pending.workspaceId,
          origin,
          keys,
          replacing,
          true,
        );
      });
      if (!signedIn) {
        throw new AppError('UNAUTHENTICATED', 'That code is wrong or was already used', {
          reason: 'two_factor_code_rejected',
        });
      }
      return signedIn;
    } finally {
      release();
    }
  }

  private async checkPassword(
    email: string,
    password: string,
    origin: RequestOrigin,
    keys: ThrottleKey[],
    replacing: string | undefined,
  ): Promise<SignInStep> {
    const user = this.store.users.findByEmail(email);
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, await this.decoy());
    const workspaceId = user
      ? this.store.users.memberships(user.id)[0]?.workspaceId
      : undefined;

    if (!user || !ok || !workspaceId) {
      const waitMs = this.store.transaction(() => {
        const wait = this.throttle.recordFailure(keys);
        this.audit.record({
          workspaceId: workspaceId ?? null,
          actor: { type: 'anonymous', label: email.slice(0, 254) },
          action: 'auth.login.failed',
          outcome: 'failure',
          target: user ? { type: 'user', id: user.id } : undefined,
          origin,
          details: wait > 0 ? { waitSeconds: Math.ceil(wait / 1000) } : undefined,
        });
        return wait;
      });
      this.logger.info(
        { reason: 'login_failed', ip: origin.ip, requestId: origin.requestId, waitMs },
        'sign-in refused',
      );
      throw new AppError('UNAUTHENTICATED', 'Email or password is wrong', {
        reason: 'login_failed',
      });
    }

    if (this.twoFactor.isEnabled(user.id)) {
      const challenge = randomToken(32);
      const expiresAt = this.clock.now() + CHALLENGE_TTL_MS;
      this.store.transaction(() =>
        this.store.twoFactor.createChallenge({
          idHash: sha256Hex(challenge),
          userId: user.id,
          workspaceId,
          expiresAt,
        }),
      );
      return { kind: 'second-factor', challenge, expiresAt };
    }
    const session = this.store.transaction(() =>
      this.startSession(user, workspaceId, origin, keys, replacing, false),
    );
    return { kind: 'signed-in', session };
  }

  /** Inside the caller's transaction: clears the account's count, audits, issues. */
  private startSession(
    user: { id: string; email: string },
    workspaceId: string,
    origin: RequestOrigin,
    keys: ThrottleKey[],
    replacing: string | undefined,
    secondFactor: boolean,
  ): IssuedSession {
    this.throttle.recordSuccess(keys);
    this.sessions.endByToken(replacing);
    this.audit.record({
      workspaceId,
      actor: { type: 'user', id: user.id, label: user.email },
      action: 'auth.login.succeeded',
      target: { type: 'user', id: user.id },
      origin,
      details: { secondFactor },
    });
    return this.sessions.issue(user.id, workspaceId, origin);
  }

  logout(auth: AuthContext, origin: RequestOrigin): void {
    if (auth.support) return this.support.signOut(auth, origin);
    this.store.transaction(() => {
      this.sessions.end(auth.sessionIdHash);
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'auth.logout',
        origin,
      });
    });
  }

  /**
   * Writes down that a member was refused a procedure their role lacks. Only
   * signed-in members are audited: their identity is proved, and each entry
   * costs them a session. Anonymous refusals are only logged, so that traffic
   * from anyone cannot flood the audit log.
   */
  recordDenied(
    auth: AuthContext,
    refusal: { procedure: string; requires: string; reason?: string | undefined },
    origin: RequestOrigin,
  ): void {
    this.store.transaction(() =>
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'access.denied',
        outcome: 'failure',
        target: { type: 'procedure', id: refusal.procedure },
        origin,
        details: {
          requires: refusal.requires,
          role: auth.role,
          reason: refusal.reason ?? 'permission_denied',
          ...(auth.support ? { grantId: auth.support.grantId } : {}),
        },
      }),
    );
  }

  /**
   * Writes down that a rule of the law or the workspace refused a member who
   * may act (a legal hold, a request's deadline): a DPO reading the trail
   * must not take it for a permission failure. `rule` is the refusal's reason.
   */
  recordRuleRefusal(
    auth: AuthContext,
    refusal: { procedure: string; rule: string },
    origin: RequestOrigin,
  ): void {
    this.store.transaction(() =>
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'rule.refused',
        outcome: 'failure',
        target: { type: 'procedure', id: refusal.procedure },
        origin,
        details: {
          rule: refusal.rule,
          role: auth.role,
          ...(auth.support ? { grantId: auth.support.grantId } : {}),
        },
      }),
    );
  }

  listSessions(auth: AuthContext): SessionSummary[] {
    return this.sessions.list(auth);
  }

  /**
   * Ends one of the caller's own sessions. Another person's session id is
   * answered exactly like an unknown one. Returns whether it was the caller's
   * current session, whose cookie the caller should then drop.
   */
  revokeSession(
    auth: AuthContext,
    sessionId: string,
    origin: RequestOrigin,
  ): { current: boolean } {
    return this.store.transaction(() => {
      const ended = this.store.sessions.deleteOwn(auth.userId, sessionId);
      if (!ended) {
        throw new AppError('NOT_FOUND', 'You have no session with that id', {
          reason: 'session_unknown',
        });
      }
      const current = ended.idHash === auth.sessionIdHash;
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'session.revoked',
        target: { type: 'session', id: sessionId },
        origin,
        details: { current },
      });
      return { current };
    });
  }

  /** Ends every session of the caller, in every workspace, this one included. */
  revokeAllSessions(auth: AuthContext, origin: RequestOrigin): { ended: number } {
    return this.store.transaction(() => {
      const ended = this.store.sessions.deleteForUser(auth.userId);
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'session.revoked_all',
        target: { type: 'user', id: auth.userId },
        origin,
        details: { ended },
      });
      return { ended };
    });
  }

  /** Joins the invite's workspace, as a new account or an existing one. */
  async acceptInvite(
    input: { code: string } & NewAccount,
    origin: RequestOrigin,
  ): Promise<IssuedSession> {
    const codeHash = sha256Hex(normalizeCode(input.code));
    // The invite first: without a usable one, nothing about the email (whether
    // it has an account, whether a password fits) is looked at or revealed.
    const offered = this.store.invites.findUsable(codeHash, this.clock.now());
    if (!offered) throw inviteUnusable();
    const existing = this.store.users.findByEmail(input.email);
    if (existing && this.twoFactor.isEnabled(existing.id)) {
      // A password alone must not open a session for someone who signs in with a code.
      throw new AppError(
        'PRECONDITION_FAILED',
        'This account signs in with two-factor; an invite cannot be accepted with its password alone',
        { reason: 'two_factor_account_invite' },
      );
    }
    if (existing) {
      // A password check like sign-in's, so an invite is no way around the throttle.
      const keys = this.throttle.keysFor(input.email, origin.ip);
      const release = this.throttle.admit(keys);
      try {
        if (!(await verifyPassword(input.password, existing.passwordHash))) {
          this.store.transaction(() => {
            const wait = this.throttle.recordFailure(keys);
            this.audit.record({
              workspaceId: offered.workspaceId,
              actor: { type: 'anonymous', label: input.email.slice(0, 254) },
              action: 'auth.login.failed',
              outcome: 'failure',
              target: { type: 'user', id: existing.id },
              origin,
              details: { via: 'invite', waitSeconds: Math.ceil(wait / 1000) },
            });
          });
          throw new AppError(
            'UNAUTHENTICATED',
            'That email has an account; its password is needed',
          );
        }
      } finally {
        release();
      }
    } else {
      validateNewPassword(input.password);
    }
    const passwordHash = existing ? null : await hashPassword(input.password);

    return this.store.transaction(() => {
      const now = this.clock.now();
      const invite = this.store.invites.findUsable(codeHash, now);
      if (!invite) throw inviteUnusable();
      if (invite.email && invite.email.toLowerCase() !== input.email.toLowerCase()) {
        throw new AppError('FORBIDDEN', 'This invite was made for another email address');
      }
      const user =
        existing ??
        this.store.users.create({
          email: input.email,
          displayName: input.displayName,
          passwordHash: passwordHash ?? '',
        });
      const members = this.store.in(workspaceScope(invite.workspaceId)).members;
      if (members.get(user.id)) {
        throw new AppError('CONFLICT', 'You are already a member of this workspace');
      }
      if (!this.store.invites.consume(invite.id, user.id, now)) {
        throw new AppError('CONFLICT', 'This invite was used a moment ago');
      }
      members.add(user.id, invite.role);
      this.audit.record({
        workspaceId: invite.workspaceId,
        actor: { type: 'user', id: user.id, label: user.email },
        action: 'member.joined',
        target: { type: 'user', id: user.id },
        origin,
        details: { role: invite.role, inviteId: invite.id },
      });
      return this.sessions.issue(user.id, invite.workspaceId, origin);
    });
  }

  private decoy(): Promise<string> {
    const decoy = this.decoyHash ?? hashPassword('decoy password for unknown accounts');
    this.decoyHash = decoy;
    return decoy;
  }
}

const inviteUnusable = () =>
  new AppError('NOT_FOUND', 'This invite is unknown, expired, revoked or already used', {
    reason: 'invite_unusable',
  });
