import {
  AppError,
  DAY_MS,
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
import { workspaceScope, type Role, type Store } from '@flowgento/store';
import type { AuditLog } from '@flowgento/audit';
import type { AuthContext } from './auth-context.ts';
import { humanCode, normalizeCode } from './codes.ts';
import { assignableRoles } from './permissions.ts';
import { SessionService, type IssuedSession } from './sessions.ts';

export const INVITE_TTL_MS = 3 * DAY_MS;

export interface NewAccount {
  email: string;
  displayName: string;
  password: string;
}

/**
 * People and their access: the first OWNER, sign-in, invites and roles.
 * Each change and its audit entry are written in one transaction.
 */
export class AccessService {
  readonly sessions: SessionService;
  /** Compared against when an email is unknown, so timing does not reveal it. */
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.sessions = new SessionService(store, clock);
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

  async login(
    email: string,
    password: string,
    origin: RequestOrigin,
  ): Promise<IssuedSession> {
    const user = this.store.users.findByEmail(email);
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : await verifyPassword(password, await this.decoy());
    const workspaceId = user
      ? this.store.users.memberships(user.id)[0]?.workspaceId
      : undefined;

    if (!user || !ok || !workspaceId) {
      this.store.transaction(() =>
        this.audit.record({
          workspaceId: workspaceId ?? null,
          actor: { type: 'anonymous', label: email.slice(0, 254) },
          action: 'auth.login.failed',
          outcome: 'failure',
          target: user ? { type: 'user', id: user.id } : undefined,
          origin,
        }),
      );
      this.logger.info({ reason: 'login_failed', ip: origin.ip }, 'sign-in refused');
      throw new AppError('UNAUTHENTICATED', 'Email or password is wrong', {
        reason: 'login_failed',
      });
    }

    return this.store.transaction(() => {
      this.audit.record({
        workspaceId,
        actor: { type: 'user', id: user.id, label: user.email },
        action: 'auth.login.succeeded',
        target: { type: 'user', id: user.id },
        origin,
      });
      return this.sessions.issue(user.id, workspaceId, origin);
    });
  }

  logout(auth: AuthContext, origin: RequestOrigin): void {
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
    refusal: { procedure: string; requires: string },
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
        details: { requires: refusal.requires, role: auth.role },
      }),
    );
  }

  listMembers(auth: AuthContext) {
    return this.store.in(auth.scope).members.list();
  }

  listInvites(auth: AuthContext) {
    return this.store.in(auth.scope).invites.listPending(this.clock.now());
  }

  /** A single-use invite; the code is returned once and stored as a hash. */
  createInvite(
    auth: AuthContext,
    input: { role: Role; email: string | null },
    origin: RequestOrigin,
  ): { code: string; expiresAt: number } {
    if (!assignableRoles(auth.role).includes(input.role)) {
      throw new AppError(
        'FORBIDDEN',
        `Your role (${auth.role}) cannot invite an ${input.role}`,
        {
          reason: 'role_not_assignable',
        },
      );
    }
    const code = humanCode(5);
    const expiresAt = this.clock.now() + INVITE_TTL_MS;
    this.store.transaction(() => {
      const invite = this.store.in(auth.scope).invites.create({
        codeHash: sha256Hex(code),
        role: input.role,
        email: input.email,
        createdBy: auth.userId,
        expiresAt,
      });
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'member.invited',
        target: { type: 'invite', id: invite.id },
        origin,
        details: { role: input.role },
      });
    });
    return { code, expiresAt };
  }

  /** Joins the invite's workspace, as a new account or an existing one. */
  async acceptInvite(
    input: { code: string } & NewAccount,
    origin: RequestOrigin,
  ): Promise<IssuedSession> {
    const codeHash = sha256Hex(normalizeCode(input.code));
    const existing = this.store.users.findByEmail(input.email);
    if (existing) {
      if (!(await verifyPassword(input.password, existing.passwordHash))) {
        throw new AppError(
          'UNAUTHENTICATED',
          'That email has an account; its password is needed',
        );
      }
    } else {
      validateNewPassword(input.password);
    }
    const passwordHash = existing ? null : await hashPassword(input.password);

    return this.store.transaction(() => {
      const now = this.clock.now();
      const invite = this.store.invites.findUsable(codeHash, now);
      if (!invite) {
        throw new AppError(
          'NOT_FOUND',
          'This invite is unknown, expired or already used',
          {
            reason: 'invite_unusable',
          },
        );
      }
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

  changeRole(auth: AuthContext, userId: string, role: Role, origin: RequestOrigin): void {
    this.store.transaction(() => {
      const members = this.store.in(auth.scope).members;
      const target = this.guardTarget(auth, userId);
      if (!assignableRoles(auth.role).includes(role)) {
        throw new AppError('FORBIDDEN', `Your role (${auth.role}) cannot grant ${role}`, {
          reason: 'role_not_assignable',
        });
      }
      this.keepAnOwner(auth, target.role, role);
      if (target.role === role) return;
      members.setRole(userId, role);
      // Their open sessions were granted under the old role; they sign in again.
      this.store.sessions.deleteForUserInWorkspace(userId, auth.workspaceId);
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'member.role_changed',
        target: { type: 'user', id: userId },
        origin,
        details: { from: target.role, to: role },
      });
    });
  }

  removeMember(auth: AuthContext, userId: string, origin: RequestOrigin): void {
    this.store.transaction(() => {
      const members = this.store.in(auth.scope).members;
      const target = this.guardTarget(auth, userId);
      this.keepAnOwner(auth, target.role, null);
      members.remove(userId);
      this.store.sessions.deleteForUserInWorkspace(userId, auth.workspaceId);
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'member.removed',
        target: { type: 'user', id: userId },
        origin,
        details: { role: target.role },
      });
    });
  }

  /** Refuses a change that would leave the workspace without an OWNER. */
  private keepAnOwner(auth: AuthContext, currentRole: Role, nextRole: Role | null): void {
    if (currentRole !== 'OWNER' || nextRole === 'OWNER') return;
    if (this.store.in(auth.scope).members.countOwners() <= 1) {
      throw new AppError('PRECONDITION_FAILED', 'A workspace keeps at least one OWNER', {
        reason: 'last_owner',
      });
    }
  }

  /** The member an admin action targets, refusing self-changes and ADMIN→OWNER. */
  private guardTarget(auth: AuthContext, userId: string) {
    if (userId === auth.userId) {
      throw new AppError('FORBIDDEN', 'You cannot change your own membership', {
        reason: 'self_change',
      });
    }
    const target = this.store.in(auth.scope).members.get(userId);
    if (!target) throw new AppError('NOT_FOUND', 'No such member in this workspace');
    if (target.role === 'OWNER' && auth.role !== 'OWNER') {
      throw new AppError('FORBIDDEN', 'Only an OWNER can change another OWNER', {
        reason: 'owner_protected',
      });
    }
    return target;
  }

  private decoy(): Promise<string> {
    const decoy = this.decoyHash ?? hashPassword('decoy password for unknown accounts');
    this.decoyHash = decoy;
    return decoy;
  }
}

export function actorOf(auth: AuthContext) {
  return { type: 'user' as const, id: auth.userId, label: auth.email };
}
