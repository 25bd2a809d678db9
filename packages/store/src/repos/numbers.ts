import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { WhatsAppNumber } from '../types.ts';
import { contentDigest } from './webhook-events.ts';
import { sealWebhookError } from './error-seal.ts';

export interface NumberRow {
  id: string;
  workspace_id: string;
  phone_number_id: string;
  business_account_id: string;
  display_phone_number: string;
  access_token_wrapped: Buffer;
  app_secret_wrapped: Buffer;
  verify_token_wrapped: Buffer;
  verify_token_hash: string;
  simulated: number;
  created_at: number;
  updated_at: number;
}

export const toNumber = (row: NumberRow): WhatsAppNumber => ({
  id: row.id,
  workspaceId: row.workspace_id,
  phoneNumberId: row.phone_number_id,
  businessAccountId: row.business_account_id,
  displayPhoneNumber: row.display_phone_number,
  accessTokenWrapped: row.access_token_wrapped,
  appSecretWrapped: row.app_secret_wrapped,
  verifyTokenWrapped: row.verify_token_wrapped,
  verifyTokenHash: row.verify_token_hash,
  simulated: row.simulated === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export interface NumberWrite {
  phoneNumberId: string;
  businessAccountId: string;
  displayPhoneNumber: string;
  /** Each wrap function receives the row id so the secret is bound to it. */
  wrapAccessToken: (rowId: string) => Buffer;
  wrapAppSecret: (rowId: string) => Buffer;
  wrapVerifyToken: (rowId: string) => Buffer;
  verifyTokenHash: string;
  simulated: boolean;
}

export class NumberRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  list(): WhatsAppNumber[] {
    const rows = this.store
      .statement(
        'SELECT * FROM whatsapp_numbers WHERE workspace_id = ? ORDER BY created_at',
      )
      .all(this.scope.workspaceId) as NumberRow[];
    return rows.map(toNumber);
  }

  get(id: string): WhatsAppNumber | undefined {
    const row = this.store
      .statement('SELECT * FROM whatsapp_numbers WHERE workspace_id = ? AND id = ?')
      .get(this.scope.workspaceId, id) as NumberRow | undefined;
    return row && toNumber(row);
  }

  /** Creates the number, or replaces the settings of the one with that id. */
  save(write: NumberWrite, existingId?: string): WhatsAppNumber {
    const id = existingId ?? newId();
    const now = this.store.clock.now();
    const values = [
      write.phoneNumberId,
      write.businessAccountId,
      write.displayPhoneNumber,
      write.wrapAccessToken(id),
      write.wrapAppSecret(id),
      write.wrapVerifyToken(id),
      write.verifyTokenHash,
      write.simulated ? 1 : 0,
    ];
    if (existingId) {
      const result = this.store
        .statement(
          `UPDATE whatsapp_numbers SET phone_number_id = ?, business_account_id = ?,
             display_phone_number = ?, access_token_wrapped = ?, app_secret_wrapped = ?,
             verify_token_wrapped = ?, verify_token_hash = ?, simulated = ?, updated_at = ?
           WHERE workspace_id = ? AND id = ?`,
        )
        .run(...values, now, this.scope.workspaceId, id);
      if (result.changes !== 1)
        throw new Error('WhatsApp number not found in this workspace');
    } else {
      this.store
        .statement(
          `INSERT INTO whatsapp_numbers (phone_number_id, business_account_id,
             display_phone_number, access_token_wrapped, app_secret_wrapped,
             verify_token_wrapped, verify_token_hash, simulated, created_at, updated_at,
             workspace_id, id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...values, now, now, this.scope.workspaceId, id);
    }
    const saved = this.get(id);
    if (!saved) throw new Error('WhatsApp number vanished after save');
    return saved;
  }

  /**
   * Keeps an error Meta reported for this number in `value.errors`, once per
   * distinct error object (Meta repeats deliveries). False when already kept.
   * An error naming one contact is sealed under its key (`sealWebhookError`).
   */
  recordWebhookError(
    numberId: string,
    error: { code: number; title: string; message: string | null; rawJson: string },
  ): boolean {
    const id = newId();
    const stored = sealWebhookError(this.store, this.scope.workspaceId, id, error);
    return (
      this.store
        .statement(
          `INSERT INTO whatsapp_errors (id, workspace_id, number_id, code, title, message,
           raw_json, received_at, digest, contact_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id, number_id, digest) DO NOTHING`,
        )
        .run(
          id,
          this.scope.workspaceId,
          numberId,
          error.code,
          stored.title,
          stored.message,
          stored.rawJson,
          this.store.clock.now(),
          stored.digest ?? contentDigest(error.rawJson),
          stored.contactHash,
        ).changes === 1
    );
  }
}
