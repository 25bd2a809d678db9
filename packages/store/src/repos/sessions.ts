import type { Store } from '../store.ts';
import type { Session } from '../types.ts';

interface SessionRow {
  id_hash: string;
  user_id: string;
  workspace_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

/** Sessions are stored by the hash of their cookie value, never the value. */
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
        `INSERT INTO sessions
           (id_hash, user_id, workspace_id, created_at, expires_at, last_seen_at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.idHash,
        input.userId,
        input.workspaceId,
        now,
        input.expiresAt,
        now,
        input.ip,
        input.userAgent,
      );
  }

  /** The session if it exists and has not expired at `now`. */
  findLive(idHash: string, now: number): Session | undefined {
    const row = this.store
      .statement('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?')
      .get(idHash, now) as SessionRow | undefined;
    return (
      row && {
        idHash: row.id_hash,
        userId: row.user_id,
        workspaceId: row.workspace_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        lastSeenAt: row.last_seen_at,
      }
    );
  }

  delete(idHash: string): void {
    this.store.statement('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  deleteForUserInWorkspace(userId: string, workspaceId: string): void {
    this.store
      .statement('DELETE FROM sessions WHERE user_id = ? AND workspace_id = ?')
      .run(userId, workspaceId);
  }
}
