import {
  AppError,
  randomToken,
  type Clock,
  type RequestOrigin,
  MINUTE_MS,
} from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import { workspaceScope, type Store, type SupportGrant } from '@flowgento/store';
import type { AuditLog } from '@flowgento/audit';
import { actorOf, supportLabel, type AuthContext } from './auth-context.ts';
import type { IssuedSession } from './sessions.ts';

/** How long support access lasts unless the OWNER says otherwise. */
export const SUPPORT_DEFAULT_MINUTES = 60;
/** Shorter than this is not enough to look at anything. */
export const SUPPORT_MIN_MINUTES = 5;
/** A day at most: longer access is a standing account, not support. */
export const SUPPORT_MAX_MINUTES = 24 * 60;
/**
 * The handed-over credential must be redeemed this soon (or before the grant
 * ends, if sooner): a link lying in a chat history for hours is a way in.
 */
export const SUPPORT_CREDENTIAL_TTL_MS = 15 * MINUTE_MS;

export interface SupportGrantInput {
  name: string;
  email: string | null;
  reason: string | null;
  durationMinutes: number;
}

/** A grant as the workspace sees it (the banner and the OWNER's list). */
export interface ActiveSupportGrant {
  id: string;
  name: string;
  email: string | null;
  reason: string | null;
  grantedByEmail: string;
  createdAt: number;
  expiresAt: number;
  redeemed: boolean;
}

function summaryOf(grant: SupportGrant): ActiveSupportGrant {
  return {
    id: grant.id,
    name: grant.name,
    email: grant.email,
    reason: grant.reason,
    grantedByEmail: grant.grantedByEmail,
    createdAt: grant.createdAt,
    expiresAt: grant.expiresAt,
    redeemed: grant.redeemedAt !== null,
  };
}

const unusable = () =>
  new AppError(
    'UNAUTHENTICATED',
    'This support link is unknown, expired, revoked or already used',
    { reason: 'support_credential_unusable' },
  );

/**
 * Support access: an OWNER grants a named support person a few hours at most;
 * the person redeems a single-use credential for a session that ends with the
 * grant (expiry, revocation or signing out) and never later. Every change and
 * every call made under it is audited with both identities.
 */
export class SupportAccessService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  grant(
    auth: AuthContext,
    input: SupportGrantInput,
    origin: RequestOrigin,
  ): { grant: ActiveSupportGrant; credential: string; credentialExpiresAt: number } {
    if (
      !Number.isInteger(input.durationMinutes) ||
      input.durationMinutes < SUPPORT_MIN_MINUTES ||
      input.durationMinutes > SUPPORT_MAX_MINUTES
    ) {
      throw new AppError(
        'INVALID_INPUT',
        `Support access lasts from ${SUPPORT_MIN_MINUTES} minutes to 24 hours`,
        { reason: 'support_duration_out_of_range' },
      );
    }
    const credential = randomToken(32);
    const now = this.clock.now();
    const expiresAt = now + input.durationMinutes * MINUTE_MS;
    const credentialExpiresAt = Math.min(expiresAt, now + SUPPORT_CREDENTIAL_TTL_MS);

    return this.store.transaction(() => {
      const grant = this.store.in(auth.scope).supportGrants.create({
        name: input.name,
        email: input.email,
        reason: input.reason,
        grantedBy: auth.userId,
        grantedByEmail: auth.email,
        expiresAt,
        credentialHash: sha256Hex(credential),
        credentialExpiresAt,
      });
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'support.granted',
        target: { type: 'support_grant', id: grant.id },
        origin,
        details: {
          supportName: grant.name,
          supportEmail: grant.email,
          reason: grant.reason,
          expiresAt,
          durationMinutes: input.durationMinutes,
        },
      });
      return { grant: summaryOf(grant), credential, credentialExpiresAt };
    });
  }

  /**
   * Spends a credential for a support session that ends when the grant does.
   * An unknown, expired, revoked or spent credential is refused with
   * UNAUTHENTICATED and changes nothing.
   */
  redeem(credential: string, origin: RequestOrigin): IssuedSession {
    if (credential.length > 100) throw unusable();
    const token = randomToken(32);
    const now = this.clock.now();
    return this.store.transaction(() => {
      const grant = this.store.supportAccess.redeem(
        sha256Hex(credential),
        sha256Hex(token),
        now,
      );
      if (!grant) throw unusable();
      this.audit.record({
        workspaceId: grant.workspaceId,
        actor: { type: 'user', id: grant.grantedBy, label: supportLabel(grant) },
        action: 'support.redeemed',
        target: { type: 'support_grant', id: grant.id },
        origin,
        details: { grantId: grant.id, supportName: grant.name },
      });
      return { token, expiresAt: grant.expiresAt };
    });
  }

  /**
   * The support caller behind a session hash, or null. The first call after
   * the grant's expiry closes it and records the expiry; nothing is served.
   */
  resolve(sessionHash: string): AuthContext | null {
    const grant = this.store.supportAccess.findBySession(sessionHash);
    if (!grant || grant.endedAt !== null) return null;
    const now = this.clock.now();
    if (grant.expiresAt <= now) {
      this.store.transaction(() => {
        if (!this.store.supportAccess.closeExpired(grant.id, now)) return;
        this.audit.record({
          workspaceId: grant.workspaceId,
          actor: { type: 'system', label: supportLabel(grant) },
          action: 'support.expired',
          target: { type: 'support_grant', id: grant.id },
          origin: { ip: null, userAgent: null },
          details: {
            grantId: grant.id,
            grantedBy: grant.grantedBy,
            expiresAt: grant.expiresAt,
          },
        });
      });
      return null;
    }
    const workspace = this.store.workspaces.get(grant.workspaceId);
    if (!workspace) return null;
    return {
      userId: grant.id,
      email: grant.email ?? '',
      displayName: grant.name,
      workspaceId: workspace.id,
      workspaceName: workspace.name,
      role: 'SUPPORT',
      scope: workspaceScope(workspace.id),
      sessionIdHash: sessionHash,
      support: {
        grantId: grant.id,
        name: grant.name,
        grantedBy: grant.grantedBy,
        grantedByEmail: grant.grantedByEmail,
        expiresAt: grant.expiresAt,
      },
    };
  }

  /** Active grants of the caller's workspace: for the banner everyone sees. */
  listActive(auth: AuthContext): ActiveSupportGrant[] {
    return this.store
      .in(auth.scope)
      .supportGrants.listActive(this.clock.now())
      .map(summaryOf);
  }

  /** Ends a grant and its session at once. */
  revoke(auth: AuthContext, grantId: string, origin: RequestOrigin): void {
    this.store.transaction(() => {
      const grants = this.store.in(auth.scope).supportGrants;
      const grant = grants.get(grantId);
      if (!grant || !grants.revoke(grantId, this.clock.now())) {
        throw new AppError('NOT_FOUND', 'No active support access has that id', {
          reason: 'support_grant_unknown',
        });
      }
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'support.revoked',
        target: { type: 'support_grant', id: grant.id },
        origin,
        details: { supportName: grant.name, redeemed: grant.redeemedAt !== null },
      });
    });
  }

  /**
   * Writes down one call made under support access, reads included, with both
   * identities: the label names the support person and the granting OWNER.
   */
  recordUse(
    auth: AuthContext,
    procedure: string,
    origin: RequestOrigin,
    outcome: 'success' | 'failure' = 'success',
  ): void {
    const support = auth.support;
    if (!support) return;
    this.store.transaction(() =>
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'support.used',
        outcome,
        target: { type: 'procedure', id: procedure },
        origin,
        details: { grantId: support.grantId, supportName: support.name },
      }),
    );
  }

  /** The support person signs out: their session ends, and the grant with it. */
  signOut(auth: AuthContext, origin: RequestOrigin): void {
    const support = auth.support;
    if (!support) return;
    this.store.transaction(() => {
      if (!this.store.supportAccess.closeBySession(auth.sessionIdHash, this.clock.now()))
        return;
      this.audit.record({
        workspaceId: auth.workspaceId,
        actor: actorOf(auth),
        action: 'support.signed_out',
        target: { type: 'support_grant', id: support.grantId },
        origin,
        details: { grantId: support.grantId },
      });
    });
  }
}
