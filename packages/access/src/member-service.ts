import { AppError, DAY_MS, type Clock, type RequestOrigin } from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import type { Member, Role, Store } from '@flowgento/store';
import type { AuditLog } from '@flowgento/audit';
import { actorOf, type AuthContext } from './auth-context.ts';
import { humanCode } from './codes.ts';
import { assignableRoles, outranks } from './permissions.ts';

export const INVITE_TTL_MS = 3 * DAY_MS;

/**
 * The team of a workspace: invites, roles, removal and leaving. Each change
 * and its audit entry are written in one transaction, and every path that
 * takes an OWNER away goes through `keepAnOwner`.
 */
export class MemberService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  list(auth: AuthContext): Member[] {
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
    refuseUnassignable(auth, input.role);
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

  /**
   * Withdraws a pending invite, so its code stops working. A member may
   * withdraw only what they could have issued: an ADMIN cannot cancel an
   * OWNER invite that an OWNER sent.
   */
  revokeInvite(auth: AuthContext, inviteId: string, origin: RequestOrigin): void {
    this.store.transaction(() => {
      const invites = this.store.in(auth.scope).invites;
      const invite = invites.getPending(inviteId, this.clock.now());
      if (!invite) {
        throw new AppError('NOT_FOUND', 'No pending invite with that id', {
          reason: 'invite_not_pending',
        });
      }
      refuseUnassignable(auth, invite.role);
      invites.delete(invite.id);
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'member.invite_revoked',
        target: { type: 'invite', id: invite.id },
        origin,
        details: { role: invite.role },
      });
    });
  }

  /**
   * Sets a member's role. Others: only to a role the caller may grant, and
   * never on an OWNER unless the caller is one. Oneself: only downwards.
   * Either way the workspace keeps an OWNER. True when the role changed.
   */
  changeRole(
    auth: AuthContext,
    userId: string,
    role: Role,
    origin: RequestOrigin,
  ): boolean {
    return this.store.transaction(() => {
      const target = this.memberOrNotFound(auth, userId);
      if (userId === auth.userId) {
        if (outranks(role, target.role)) {
          throw new AppError('FORBIDDEN', 'Nobody can raise their own role', {
            reason: 'self_promotion',
          });
        }
      } else {
        refuseOwnerChangeByNonOwner(auth, target);
        refuseUnassignable(auth, role);
      }
      this.keepAnOwner(auth, target.role, role);
      if (target.role === role) return false;

      this.store.in(auth.scope).members.setRole(userId, role);
      // Their open sessions were granted under the old role; they sign in again.
      this.store.sessions.deleteForUserInWorkspace(userId, auth.workspaceId);
      if (target.role === 'OWNER' && role !== 'OWNER')
        this.endGrantsOf(auth, userId, origin);
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'member.role_changed',
        target: { type: 'user', id: userId },
        origin,
        details: { from: target.role, to: role },
      });
      return true;
    });
  }

  /**
   * Removes another member; removing oneself is leaving. Returns how many
   * conversations they held, now unassigned.
   */
  remove(auth: AuthContext, userId: string, origin: RequestOrigin): number {
    if (userId === auth.userId) return this.leave(auth, origin);
    return this.store.transaction(() => {
      const target = this.memberOrNotFound(auth, userId);
      refuseOwnerChangeByNonOwner(auth, target);
      this.keepAnOwner(auth, target.role, null);
      const unassigned = this.dropMember(auth, userId, origin);
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'member.removed',
        target: { type: 'user', id: userId },
        origin,
        details: { role: target.role, unassigned },
      });
      return unassigned;
    });
  }

  /**
   * The caller leaves the workspace; their sessions there end with it.
   * Returns how many conversations they held, now unassigned.
   */
  leave(auth: AuthContext, origin: RequestOrigin): number {
    return this.store.transaction(() => {
      const self = this.memberOrNotFound(auth, auth.userId);
      this.keepAnOwner(auth, self.role, null);
      const unassigned = this.dropMember(auth, auth.userId, origin);
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'member.left',
        target: { type: 'user', id: auth.userId },
        origin,
        details: { role: self.role, unassigned },
      });
      return unassigned;
    });
  }

  /**
   * Support access rests on the authority of the OWNER who granted it: when
   * they stop being an OWNER (demoted, removed, leaving), their grants end in
   * the same transaction, each one audited.
   */
  private endGrantsOf(auth: AuthContext, userId: string, origin: RequestOrigin): void {
    const grants = this.store.in(auth.scope).supportGrants;
    const now = this.clock.now();
    for (const grant of grants.listActiveGrantedBy(userId, now)) {
      if (!grants.revoke(grant.id, now)) continue;
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'support.revoked',
        target: { type: 'support_grant', id: grant.id },
        origin,
        details: {
          supportName: grant.name,
          redeemed: grant.redeemedAt !== null,
          reason: 'granted_by_former_owner',
        },
      });
    }
  }

  /** Membership, sessions and assignments go together; returns how many were unassigned. */
  private dropMember(auth: AuthContext, userId: string, origin: RequestOrigin): number {
    this.endGrantsOf(auth, userId, origin);
    const scoped = this.store.in(auth.scope);
    const unassigned = scoped.conversations.unassignAllFrom(userId);
    scoped.members.remove(userId);
    this.store.sessions.deleteForUserInWorkspace(userId, auth.workspaceId);
    return unassigned;
  }

  /** Refuses a change that would leave the workspace without an OWNER. */
  private keepAnOwner(auth: AuthContext, currentRole: Role, nextRole: Role | null): void {
    if (currentRole !== 'OWNER' || nextRole === 'OWNER') return;
    if (this.store.in(auth.scope).members.countOwners() <= 1) {
      throw new AppError(
        'RULE_REFUSED',
        'A workspace keeps at least one OWNER: make another member OWNER first',
        { reason: 'last_owner' },
      );
    }
  }

  private memberOrNotFound(auth: AuthContext, userId: string): Member {
    const member = this.store.in(auth.scope).members.get(userId);
    if (!member) throw new AppError('NOT_FOUND', 'No such member in this workspace');
    return member;
  }
}

function refuseUnassignable(auth: AuthContext, role: Role): void {
  if (!assignableRoles(auth.role).includes(role)) {
    throw new AppError('FORBIDDEN', `Your role (${auth.role}) cannot grant ${role}`, {
      reason: 'role_not_assignable',
    });
  }
}

function refuseOwnerChangeByNonOwner(auth: AuthContext, target: Member): void {
  if (target.role === 'OWNER' && auth.role !== 'OWNER') {
    throw new AppError('FORBIDDEN', 'Only an OWNER can change or remove an OWNER', {
      reason: 'owner_protected',
    });
  }
}
