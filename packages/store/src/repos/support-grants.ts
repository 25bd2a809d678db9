import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { SupportGrant } from '../types.ts';

interface SupportGrantRow {
  id: string;
  workspace_id: string;
  name: string;
  email: string | null;
  reason: string | null;
  granted_by: string;
  granted_by_email: string;
  created_at: number;
  expires_at: number;
  credential_expires_at: number;
  redeemed_at: number | null;
  ended_at: number | null;
  end_reason: SupportGrant['endReason'];
}

const toGrant = (row: SupportGrantRow): SupportGrant => ({
  id: row.id,
  workspaceId: row.workspace_id,
  name: row.name,
  email: row.email,
  reason: row.reason,
  grantedBy: row.granted_by,
  grantedByEmail: row.granted_by_email,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  credentialExpiresAt: row.credential_expires_at,
  redeemedAt: row.redeemed_at,
  endedAt: row.ended_at,
  endReason: row.end_reason,
});

const COLUMNS = `id, workspace_id, name, email, reason, granted_by, granted_by_email,
  created_at, expires_at, credential_expires_at, redeemed_at, ended_at, end_reason`;

/**
 * Support access by its secrets, before the caller belongs anywhere: a system
 * lookup like invites. Presenting the credential (or the session it became)
 * is what entitles the caller to learn the grant; nothing else of the
 * workspace is returned.
 */
export class SupportAccessLookup {
  constructor(private readonly store: Store) {}

  /**
   * Spends a credential that is unused, not yet past its own short life and
   * whose grant is still open, binding the new session to the grant. Returns
   * the grant, or undefined (and changes nothing) for any other credential.
   */
  redeem(
    credentialHash: string,
    sessionHash: string,
    now: number,
  ): SupportGrant | undefined {
    const row = this.store
      .statement(
        `UPDATE support_grants
         SET credential_hash = NULL, redeemed_at = ?, session_hash = ?
         WHERE credential_hash = ? AND credential_expires_at > ? AND expires_at > ?
           AND ended_at IS NULL
         RETURNING ${COLUMNS}`,
      )
      .get(now, sessionHash, credentialHash, now, now) as SupportGrantRow | undefined;
    return row && toGrant(row);
  }

  /** The grant a support session belongs to, live or not; the access layer decides. */
  findBySession(sessionHash: string): SupportGrant | undefined {
    const row = this.store
      .statement(`SELECT ${COLUMNS} FROM support_grants WHERE session_hash = ?`)
      .get(sessionHash) as SupportGrantRow | undefined;
    return row && toGrant(row);
  }

  /**
   * Closes a grant whose session was presented after its expiry, once: true
   * only for the caller that closed it, so the expiry is recorded once.
   */
  closeExpired(grantId: string, now: number): boolean {
    return (
      this.store
        .statement(
          `UPDATE support_grants
           SET ended_at = ?, end_reason = 'expired', session_hash = NULL,
             credential_hash = NULL
           WHERE id = ? AND ended_at IS NULL AND expires_at <= ?`,
        )
        .run(now, grantId, now).changes === 1
    );
  }

  /** The support person signs out: the session ends, and with it the grant. */
  closeBySession(sessionHash: string, now: number): boolean {
    return (
      this.store
        .statement(
          `UPDATE support_grants
           SET ended_at = ?, end_reason = 'signed_out', session_hash = NULL
           WHERE session_hash = ? AND ended_at IS NULL`,
        )
        .run(now, sessionHash).changes === 1
    );
  }
}

/** One workspace's support grants. */
export class SupportGrantRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  create(input: {
    name: string;
    email: string | null;
    reason: string | null;
    grantedBy: string;
    grantedByEmail: string;
    expiresAt: number;
    credentialHash: string;
    credentialExpiresAt: number;
  }): SupportGrant {
    const id = newId();
    this.store
      .statement(
        `INSERT INTO support_grants (id, workspace_id, name, email, reason, granted_by,
           granted_by_email, created_at, expires_at, credential_hash, credential_expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        input.name,
        input.email,
        input.reason,
        input.grantedBy,
        input.grantedByEmail,
        this.store.clock.now(),
        input.expiresAt,
        input.credentialHash,
        input.credentialExpiresAt,
      );
    const created = this.get(id);
    if (!created) throw new Error('support grant vanished after insert');
    return created;
  }

  get(id: string): SupportGrant | undefined {
    const row = this.store
      .statement(
        `SELECT ${COLUMNS} FROM support_grants WHERE id = ? AND workspace_id = ?`,
      )
      .get(id, this.scope.workspaceId) as SupportGrantRow | undefined;
    return row && toGrant(row);
  }

  /** Grants not ended and not past their expiry at `now`, soonest to end first. */
  listActive(now: number): SupportGrant[] {
    const rows = this.store
      .statement(
        `SELECT ${COLUMNS} FROM support_grants
         WHERE workspace_id = ? AND ended_at IS NULL AND expires_at > ?
         ORDER BY expires_at, id`,
      )
      .all(this.scope.workspaceId, now) as SupportGrantRow[];
    return rows.map(toGrant);
  }

  /** The active grants one OWNER made, for ending them when that person stops being one. */
  listActiveGrantedBy(userId: string, now: number): SupportGrant[] {
    const rows = this.store
      .statement(
        `SELECT ${COLUMNS} FROM support_grants
         WHERE workspace_id = ? AND granted_by = ? AND ended_at IS NULL AND expires_at > ?
         ORDER BY expires_at, id`,
      )
      .all(this.scope.workspaceId, userId, now) as SupportGrantRow[];
    return rows.map(toGrant);
  }

  /** Ends an active grant and its session; false when there is none by that id. */
  revoke(id: string, now: number): boolean {
    return (
      this.store
        .statement(
          `UPDATE support_grants
           SET ended_at = ?, end_reason = 'revoked', session_hash = NULL,
             credential_hash = NULL
           WHERE id = ? AND workspace_id = ? AND ended_at IS NULL AND expires_at > ?`,
        )
        .run(now, id, this.scope.workspaceId, now).changes === 1
    );
  }
}
