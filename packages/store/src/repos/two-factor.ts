import type { Store } from '../store.ts';

export interface TwoFactorRecord {
  secretWrapped: Buffer | null;
  pendingWrapped: Buffer | null;
  enabledAt: number | null;
  lastStep: number | null;
}

export interface LoginChallenge {
  userId: string;
  workspaceId: string;
  attempts: number;
}

/**
 * A person's second factor. It belongs to the person, not to a workspace:
 * the same code signs them in wherever they are a member.
 */
export class TwoFactorRepo {
  constructor(private readonly store: Store) {}

  get(userId: string): TwoFactorRecord | undefined {
    return this.store
      .statement(
        `SELECT secret_wrapped AS secretWrapped, pending_wrapped AS pendingWrapped,
           enabled_at AS enabledAt, last_step AS lastStep
         FROM two_factor WHERE user_id = ?`,
      )
      .get(userId) as TwoFactorRecord | undefined;
  }

  setPending(userId: string, pendingWrapped: Buffer): void {
    this.store
      .statement(
        `INSERT INTO two_factor (user_id, pending_wrapped) VALUES (?, ?)
         ON CONFLICT (user_id) DO UPDATE SET pending_wrapped = excluded.pending_wrapped`,
      )
      .run(userId, pendingWrapped);
  }

  /** Turns the pending secret into the active one. */
  enable(userId: string, secretWrapped: Buffer, acceptedStep: number): void {
    this.store
      .statement(
        `UPDATE two_factor SET secret_wrapped = ?, pending_wrapped = NULL,
           enabled_at = ?, last_step = ? WHERE user_id = ?`,
      )
      .run(secretWrapped, this.store.clock.now(), acceptedStep, userId);
  }

  recordAcceptedStep(userId: string, step: number): void {
    this.store
      .statement('UPDATE two_factor SET last_step = ? WHERE user_id = ?')
      .run(step, userId);
  }

  /** Forgets the secret and every recovery code. */
  remove(userId: string): void {
    this.store.statement('DELETE FROM two_factor WHERE user_id = ?').run(userId);
    this.store.statement('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
  }

  replaceRecoveryCodes(userId: string, codeHashes: readonly string[]): void {
    this.store.statement('DELETE FROM recovery_codes WHERE user_id = ?').run(userId);
    const insert = this.store.statement(
      'INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)',
    );
    for (const hash of codeHashes) insert.run(userId, hash);
  }

  /** Marks an unused recovery code used; false if there is none such. */
  useRecoveryCode(userId: string, codeHash: string): boolean {
    return (
      this.store
        .statement(
          `UPDATE recovery_codes SET used_at = ?
           WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
        )
        .run(this.store.clock.now(), userId, codeHash).changes === 1
    );
  }

  recoveryCodesLeft(userId: string): number {
    return this.store
      .statement(
        'SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL',
      )
      .pluck()
      .get(userId) as number;
  }

  createChallenge(input: {
    idHash: string;
    userId: string;
    workspaceId: string;
    expiresAt: number;
  }): void {
    this.store
      .statement(
        `INSERT INTO login_challenges (id_hash, user_id, workspace_id, expires_at)
         VALUES (?, ?, ?, ?)`,
      )
      .run(input.idHash, input.userId, input.workspaceId, input.expiresAt);
  }

  /** A live challenge, counting this attempt; undefined if expired or unknown. */
  attemptChallenge(idHash: string, now: number): LoginChallenge | undefined {
    this.store.statement('DELETE FROM login_challenges WHERE expires_at <= ?').run(now);
    const challenge = this.store
      .statement(
        `UPDATE login_challenges SET attempts = attempts + 1 WHERE id_hash = ?
         RETURNING user_id AS userId, workspace_id AS workspaceId, attempts`,
      )
      .get(idHash) as LoginChallenge | undefined;
    return challenge;
  }

  endChallenge(idHash: string): void {
    this.store.statement('DELETE FROM login_challenges WHERE id_hash = ?').run(idHash);
  }
}
