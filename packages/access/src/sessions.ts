import { HOUR_MS, randomToken, type Clock, type RequestOrigin } from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import { workspaceScope, type Store } from '@flowgento/store';
import type { AuthContext } from './auth-context.ts';

/** A session lasts at most this long, whatever the activity. */
export const SESSION_TTL_MS = 12 * HOUR_MS;

export interface IssuedSession {
  /** The cookie value; shown once, stored only as a hash. */
  token: string;
  expiresAt: number;
}

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  issue(userId: string, workspaceId: string, origin: RequestOrigin): IssuedSession {
    const token = randomToken(32);
    const expiresAt = this.clock.now() + SESSION_TTL_MS;
    this.store.sessions.create({
      idHash: sha256Hex(token),
      userId,
      workspaceId,
      expiresAt,
      ip: origin.ip,
      userAgent: origin.userAgent?.slice(0, 512) ?? null,
    });
    return { token, expiresAt };
  }

  /** The caller behind a cookie, with the role they hold now (not at login). */
  resolve(token: string | undefined): AuthContext | null {
    if (!token || token.length > 100) return null;
    const idHash = sha256Hex(token);
    const session = this.store.sessions.findLive(idHash, this.clock.now());
    if (!session) return null;

    const scope = workspaceScope(session.workspaceId);
    const member = this.store.in(scope).members.get(session.userId);
    const workspace = this.store.workspaces.get(session.workspaceId);
    if (!member || !workspace) return null;
    return {
      userId: member.userId,
      email: member.email,
      displayName: member.displayName,
      workspaceId: workspace.id,
      workspaceName: workspace.name,
      role: member.role,
      scope,
      sessionIdHash: idHash,
    };
  }

  end(idHash: string): void {
    this.store.sessions.delete(idHash);
  }
}
