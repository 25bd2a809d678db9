import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { Invite, Role } from '../types.ts';

interface InviteRow {
  id: string;
  workspace_id: string;
  role: Role;
  email: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

const toInvite = (row: InviteRow): Invite => ({
  id: row.id,
  workspaceId: row.workspace_id,
  role: row.role,
  email: row.email,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
});

/**
 * Finding an invite by its code, before the invitee belongs anywhere: a
 * system lookup. The code is a secret shown once to the inviter, stored only
 * as a hash; presenting it is what entitles the caller to learn the invite's
 * workspace and role. Nothing else of the workspace is returned.
 */
export class InviteLookup {
  constructor(private readonly store: Store) {}

  findUsable(codeHash: string, now: number): Invite | undefined {
    const row = this.store
      .statement(
        `SELECT * FROM invites
         WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`,
      )
      .get(codeHash, now) as InviteRow | undefined;
    return row && toInvite(row);
  }

  /** Spends the invite; true only for the one caller that did. */
  consume(inviteId: string, userId: string, now: number): boolean {
    return (
      this.store
        .statement(
          `UPDATE invites SET used_at = ?, used_by = ?
           WHERE id = ? AND used_at IS NULL AND expires_at > ?`,
        )
        .run(now, userId, inviteId, now).changes === 1
    );
  }
}

export class InviteRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  create(input: {
    codeHash: string;
    role: Role;
    email: string | null;
    createdBy: string;
    expiresAt: number;
  }): Invite {
    const id = newId();
    this.store
      .statement(
        `INSERT INTO invites (id, workspace_id, code_hash, role, email, created_by,
           created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        input.codeHash,
        input.role,
        input.email,
        input.createdBy,
        this.store.clock.now(),
        input.expiresAt,
      );
    const row = this.store
      .statement('SELECT * FROM invites WHERE workspace_id = ? AND id = ?')
      .get(this.scope.workspaceId, id) as InviteRow;
    return toInvite(row);
  }

  /** An invite nobody has used and that has not expired at `now`. */
  getPending(id: string, now: number): Invite | undefined {
    const row = this.store
      .statement(
        `SELECT * FROM invites
         WHERE workspace_id = ? AND id = ? AND used_at IS NULL AND expires_at > ?`,
      )
      .get(this.scope.workspaceId, id, now) as InviteRow | undefined;
    return row && toInvite(row);
  }

  /** Deletes an unused invite, so its code can never be found again. */
  delete(id: string): boolean {
    return (
      this.store
        .statement(
          'DELETE FROM invites WHERE workspace_id = ? AND id = ? AND used_at IS NULL',
        )
        .run(this.scope.workspaceId, id).changes === 1
    );
  }

  listPending(now: number): Invite[] {
    const rows = this.store
      .statement(
        `SELECT * FROM invites WHERE workspace_id = ? AND used_at IS NULL AND expires_at > ?
         ORDER BY created_at DESC`,
      )
      .all(this.scope.workspaceId, now) as InviteRow[];
    return rows.map(toInvite);
  }
}
