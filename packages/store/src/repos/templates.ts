import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';

/** A template as Graph described it at the last sync or status webhook. */
export interface MessageTemplate {
  id: string;
  businessAccountId: string;
  waTemplateId: string | null;
  name: string;
  language: string;
  category: string;
  status: string;
  statusReason: string | null;
  componentsJson: string;
  syncedAt: number;
}

export interface TemplateWrite {
  businessAccountId: string;
  waTemplateId: string | null;
  name: string;
  language: string;
  category: string;
  status: string;
  statusReason: string | null;
  componentsJson: string;
}

const COLUMNS = `id, business_account_id AS businessAccountId,
  wa_template_id AS waTemplateId, name, language, category, status,
  status_reason AS statusReason, components_json AS componentsJson,
  synced_at AS syncedAt`;

export class TemplateRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  list(): MessageTemplate[] {
    return this.store
      .statement(
        `SELECT ${COLUMNS} FROM message_templates WHERE workspace_id = ?
         ORDER BY name, language`,
      )
      .all(this.scope.workspaceId) as MessageTemplate[];
  }

  get(id: string): MessageTemplate | undefined {
    return this.store
      .statement(
        `SELECT ${COLUMNS} FROM message_templates WHERE workspace_id = ? AND id = ?`,
      )
      .get(this.scope.workspaceId, id) as MessageTemplate | undefined;
  }

  /**
   * Makes the account's templates exactly `templates`: new ones added,
   * known ones updated, ones Graph no longer lists removed.
   */
  replaceForAccount(
    businessAccountId: string,
    templates: readonly TemplateWrite[],
  ): void {
    const ws = this.scope.workspaceId;
    const now = this.store.clock.now();
    const upsert = this.store.statement(
      `INSERT INTO message_templates (id, workspace_id, business_account_id, wa_template_id,
         name, language, category, status, status_reason, components_json, synced_at,
         updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, business_account_id, name, language) DO UPDATE SET
         wa_template_id = excluded.wa_template_id, category = excluded.category,
         status = excluded.status, status_reason = excluded.status_reason,
         components_json = excluded.components_json, synced_at = excluded.synced_at,
         updated_at = excluded.updated_at`,
    );
    for (const t of templates) {
      upsert.run(
        newId(),
        ws,
        businessAccountId,
        t.waTemplateId,
        t.name,
        t.language,
        t.category,
        t.status,
        t.statusReason,
        t.componentsJson,
        now,
        now,
      );
    }
    const kept = new Set(templates.map((t) => `${t.name}\u0000${t.language}`));
    const stale = this.list().filter(
      (t) =>
        t.businessAccountId === businessAccountId &&
        !kept.has(`${t.name}\u0000${t.language}`),
    );
    const remove = this.store.statement(
      'DELETE FROM message_templates WHERE workspace_id = ? AND id = ?',
    );
    for (const t of stale) remove.run(ws, t.id);
  }

  /**
   * Applies a `message_template_status_update` webhook: by Meta's template
   * id, else by name and language. Returns how many rows changed.
   */
  setStatus(update: {
    businessAccountId: string;
    waTemplateId: string | null;
    name: string | null;
    language: string | null;
    status: string;
    reason: string | null;
  }): number {
    return this.store
      .statement(
        `UPDATE message_templates SET status = ?, status_reason = ?, updated_at = ?
         WHERE workspace_id = ? AND business_account_id = ?
           AND ((? IS NOT NULL AND wa_template_id = ?)
             OR (? IS NOT NULL AND name = ? AND language = ?))`,
      )
      .run(
        update.status,
        update.reason,
        this.store.clock.now(),
        this.scope.workspaceId,
        update.businessAccountId,
        update.waTemplateId,
        update.waTemplateId,
        update.name,
        update.name,
        update.language,
      ).changes;
  }
}
