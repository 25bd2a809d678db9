import { HOUR_MS, randomToken, type Clock, type RequestOrigin } from '@flowgento/core';
import { sha256Hex } from '@flowgento/crypto';
import { workspaceScope, type Session, type Store } from '@flowgento/store';
import type { AuthContext } from './auth-context.ts';
import type { SupportAccessService } from './support-access.ts';
import { describeUserAgent } from './user-agent.ts';

/** A session lasts at most this long, whatever the activity. */
export const SESSION_TTL_MS = 12 * HOUR_MS;

/**
 * A session unused for this long ends. An hour lets an agent step away for a
 * meeting or lunch break without signing in again, while a browser left open
 * on a shared office machine stops being a way in by the afternoon. The
 * inbox's live stream does not count as use, so an unattended tab expires too.
 */
export const SESSION_IDLE_MS = HOUR_MS;

/**
 * Last use is written at most this often per session, so an ordinary request
 * stays a read. The idle limit is therefore exact to within this interval.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000;

export interface IssuedSession {
  /** The cookie value; shown once, stored only as a hash. */
  token: string;
  expiresAt: number;
}

/** One of the caller's sessions, as their Sessions screen lists it. */
export interface SessionSummary {
  id: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  ip: string | null;
  device: string;
  current: boolean;
}

export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly support?: SupportAccessService,
  ) {}

  issue(userId: string, workspaceId: string, origin: RequestOrigin): IssuedSession {
    const token = randomToken(32);
    const now = this.clock.now();
    const expiresAt = now + SESSION_TTL_MS;
    // Sessions nobody presents again are never resolved; sweep them here.
    this.store.sessions.deleteDead(userId, now, now - SESSION_IDLE_MS);
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

  /**
   * The caller behind a cookie, with the role they hold now (not at login).
   * A session past its absolute or idle limit is deleted and refused.
   * `touch: false` checks without counting as use (background streams).
   * A cookie that is no member's session may be a support session.
   */
  resolve(token: string | undefined, options = { touch: true }): AuthContext | null {
    if (!token || token.length > 100) return null;
    const idHash = sha256Hex(token);
    const session = this.store.sessions.find(idHash);
    if (!session) return this.support?.resolve(idHash) ?? null;
    const now = this.clock.now();
    if (!this.isLive(session, now)) {
      this.store.sessions.delete(idHash);
      return null;
    }

    const scope = workspaceScope(session.workspaceId);
    const member = this.store.in(scope).members.get(session.userId);
    const workspace = this.store.workspaces.get(session.workspaceId);
    if (!member || !workspace) return null;

    if (options.touch && now - session.lastSeenAt >= SESSION_TOUCH_INTERVAL_MS) {
      this.store.sessions.touch(idHash, now);
    }
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

  /** The caller's own live sessions, in every workspace: this one, then newest first. */
  list(auth: AuthContext): SessionSummary[] {
    const now = this.clock.now();
    return this.store.sessions
      .listLive(auth.userId, now, now - SESSION_IDLE_MS)
      .map((session) => ({
        id: session.publicId,
        createdAt: session.createdAt,
        lastUsedAt: session.lastSeenAt,
        expiresAt: session.expiresAt,
        ip: session.ip,
        device: describeUserAgent(session.userAgent),
        current: session.idHash === auth.sessionIdHash,
      }))
      .sort((a, b) => Number(b.current) - Number(a.current));
  }

  end(idHash: string): void {
    this.store.sessions.delete(idHash);
  }

  /** Ends the session a cookie names, if any; used when that browser signs in again. */
  endByToken(token: string | undefined): void {
    if (token && token.length <= 100) this.end(sha256Hex(token));
  }

  private isLive(session: Session, now: number): boolean {
    return session.expiresAt > now && now - session.lastSeenAt <= SESSION_IDLE_MS;
  }
}
