import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { Session } from '../types.ts';

interface SessionRow {
  id_hash: string;
  public_id: string;
  user_id: string;
  workspace_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  ip: string | null;
  user_agent: string | null;
}

function sessionOf(row: SessionRow): Session {
  return {
    idHash: row.id_hash,
    publicId: row.public_id,
    userId: row.user_id,
    workspaceId: row.workspace_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/**
 * Sessions are stored by the hash of their cookie value, never the value.
 * `publicId` is what the session's owner sees and names to revoke it.
 */
export class SessionRepo {
  constructor(private readonly store: Store) {}

  create(input: {
    idHash: string;
    userId: string;
    workspaceId: string;
    expiresAt: number;
    ip: string | null;
    userAgent: string | null;
  }): void {
    const now = this.store.clock.now();
    this.store
      .statement(
        `INSERT INTO sessions (id_hash, public_id, user_id, workspace_id, created_at,
           expires_at, last_seen_at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.idHash,
        newId(),
        input.userId,
        input.workspaceId,
        now,
        input.expiresAt,
        now,
        input.ip,
        input.userAgent,
      );
  }

  /** The stored session, live or not; the access layer decides which. */
  find(idHash: string): Session | undefined {
    const row = this.store
      .statement('SELECT * FROM sessions WHERE id_hash = ?')
      .get(idHash) as SessionRow | undefined;
    return row && sessionOf(row);
  }

  /** A user's sessions used since `activeSince` and not expired at `now`, newest first. */
  listLive(userId: string, now: number, activeSince: number): Session[] {
    const rows = this.store
      .statement(
        `SELECT * FROM sessions
         WHERE user_id = ? AND expires_at > ? AND last_seen_at > ?
         ORDER BY created_at DESC`,
      )
      .all(userId, now, activeSince) as SessionRow[];
    return rows.map(sessionOf);
  }

  /** Records a use. Callers limit how often, so reads do not become writes. */
  touch(idHash: string, at: number): void {
    this.store
      .statement('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?')
      .run(at, idHash);
  }

  /** Deletes `userId`'s sessions that expired or went unused since `idleSince`. */
  deleteDead(userId: string, now: number, idleSince: number): void {
    this.store
      .statement(
        `DELETE FROM sessions
         WHERE user_id = ? AND (expires_at <= ? OR last_seen_at <= ?)`,
      )
      .run(userId, now, idleSince);
  }

  delete(idHash: string): boolean {
    return (
      this.store.statement('DELETE FROM sessions WHERE id_hash = ?').run(idHash)
        .changes === 1
    );
  }

  /** Deletes one of `userId`'s sessions; undefined when they have none by that id. */
  deleteOwn(userId: string, publicId: string): { idHash: string } | undefined {
    return this.store
      .statement(
        `DELETE FROM sessions WHERE user_id = ? AND public_id = ?
         RETURNING id_hash AS idHash`,
      )
      .get(userId, publicId) as { idHash: string } | undefined;
  }

  /** Ends every session of `userId`; returns how many there were. */
  deleteForUser(userId: string): number {
    return this.store.statement('DELETE FROM sessions WHERE user_id = ?').run(userId)
      .changes;
  }

  deleteForUserInWorkspace(userId: string, workspaceId: string): number {
    return this.store
      .statement('DELETE FROM sessions WHERE user_id = ? AND workspace_id = ?')
      .run(userId, workspaceId).changes;
  }
}
