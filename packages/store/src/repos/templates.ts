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
  /** The latest webhook event (APPROVED, FLAGGED, PAUSED, …), for display. */
  lastEvent: string | null;
  componentsJson: string;
  syncedAt: number;
}

/**
 * A `message_template_status_update`: `event` is Meta's word, kept for
 * display; `status` is what it makes the template (null for events that do
 * not change whether it can be sent, such as FLAGGED).
 */
export interface TemplateStatusChange {
  businessAccountId: string;
  waTemplateId: string | null;
  name: string | null;
  language: string | null;
  event: string;
  status: string | null;
  reason: string | null;
  /** When Meta decided (`entry[].time`), in ms. */
  occurredAt: number;
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
  status_reason AS statusReason, last_event AS lastEvent,
  components_json AS componentsJson, synced_at AS syncedAt`;

/** Matches a template by Meta's id, else by name and language (parameters 1-5). */
const MATCH = `workspace_id = ? AND business_account_id = ?
  AND ((? IS NOT NULL AND wa_template_id = ?) OR (? IS NOT NULL AND name = ? AND language = ?))`;

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
    // Graph's listing is the status as of now; a webhook decided later
    // (between the fetch and this commit) still wins over it. Webhook times
    // are whole seconds, so the listing counts as made just before the
    // current second began: a decision stamped in the same second wins.
    const statusAt = Math.floor(now / 1000) * 1000 - 1;
    const upsert = this.store.statement(
      `INSERT INTO message_templates (id, workspace_id, business_account_id, wa_template_id,
         name, language, category, status, status_reason, components_json, synced_at,
         updated_at, status_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (workspace_id, business_account_id, name, language) DO UPDATE SET
         wa_template_id = excluded.wa_template_id, category = excluded.category,
         status = CASE WHEN status_at > excluded.status_at THEN status
           ELSE excluded.status END,
         status_reason = CASE WHEN status_at > excluded.status_at THEN status_reason
           ELSE excluded.status_reason END,
         status_at = max(status_at, excluded.status_at),
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
        statusAt,
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
    this.applyPending(businessAccountId);
  }

  /**
   * Applies a `message_template_status_update` webhook to the template it
   * names (by Meta's id, else by name and language): its status only when
   * decided after the one the template has, its event for display likewise.
   * An update for a template not known yet is kept and applied when a sync
   * brings it. Returns how many templates changed.
   */
  setStatus(change: TemplateStatusChange): number {
    const match = [
      this.scope.workspaceId,
      change.businessAccountId,
      change.waTemplateId,
      change.waTemplateId,
      change.name,
      change.name,
      change.language,
    ];
    const known = this.store
      .statement(`SELECT count(*) FROM message_templates WHERE ${MATCH}`)
      .pluck()
      .get(...match) as number;
    if (known === 0) {
      this.keepPending(change);
      return 0;
    }
    // At equal times Meta's arrival order decides nothing: the change that
    // stops sending wins (as consent's tie goes to opted-out), then the
    // greater name, and the shown event follows the status's winner. The
    // event is compared before the status row moves.
    const now = this.store.clock.now();
    const rank = statusRank(change.status);
    const event = this.store
      .statement(
        `UPDATE message_templates SET last_event = ?, last_event_at = ?, updated_at = ?
         WHERE ${MATCH} AND (last_event_at < ? OR (last_event_at = ? AND (
           ? > ${CURRENT_EVENT_RANK}
           OR (? = ${CURRENT_EVENT_RANK} AND ? > coalesce(last_event, '')))))`,
      )
      .run(
        change.event,
        change.occurredAt,
        now,
        ...match,
        change.occurredAt,
        change.occurredAt,
        rank,
        rank,
        change.event,
      ).changes;
    if (change.status === null) return event;
    const status = this.store
      .statement(
        `UPDATE message_templates SET status = ?, status_reason = ?, status_at = ?,
           updated_at = ?
         WHERE ${MATCH} AND (status_at < ? OR (status_at = ? AND (
           ? > ${CURRENT_STATUS_RANK}
           OR (? = ${CURRENT_STATUS_RANK} AND ? > status))))`,
      )
      .run(
        change.status,
        change.reason,
        change.occurredAt,
        now,
        ...match,
        change.occurredAt,
        change.occurredAt,
        rank,
        rank,
        change.status,
      ).changes;
    return Math.max(event, status);
  }

  private keepPending(change: TemplateStatusChange): void {
    this.store
      .statement(
        `INSERT INTO template_status_pending (id, workspace_id, business_account_id,
           wa_template_id, name, language, event, status, reason, occurred_at, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(
        newId(),
        this.scope.workspaceId,
        change.businessAccountId,
        change.waTemplateId ?? '',
        change.name ?? '',
        change.language ?? '',
        change.event,
        change.status,
        change.reason,
        change.occurredAt,
        this.store.clock.now(),
      );
  }

  /** Applies, oldest first, the kept updates that now name a known template. */
  private applyPending(businessAccountId: string): void {
    const ws = this.scope.workspaceId;
    const pending = this.store
      .statement(
        `SELECT id, wa_template_id AS waTemplateId, name, language, event, status, reason,
           occurred_at AS occurredAt
         FROM template_status_pending WHERE workspace_id = ? AND business_account_id = ?
         ORDER BY occurred_at, received_at`,
      )
      .all(ws, businessAccountId) as (Omit<TemplateStatusChange, 'businessAccountId'> & {
      id: string;
    })[];
    const remove = this.store.statement(
      'DELETE FROM template_status_pending WHERE workspace_id = ? AND id = ?',
    );
    for (const { id, ...p } of pending) {
      const change = {
        ...p,
        businessAccountId,
        waTemplateId: p.waTemplateId || null,
        name: p.name || null,
        language: p.language || null,
      };
      const known = this.store
        .statement(`SELECT count(*) FROM message_templates WHERE ${MATCH}`)
        .pluck()
        .get(
          ws,
          businessAccountId,
          change.waTemplateId,
          change.waTemplateId,
          change.name,
          change.name,
          change.language,
        ) as number;
      if (known === 0) continue;
      this.setStatus(change);
      remove.run(ws, id);
    }
  }
}

/**
 * How a change ranks against another stamped in the same second: an event
 * that changes no status (FLAGGED, LOCKED) lowest, then approval, then any
 * status that stops sending.
 */
function statusRank(status: string | null): number {
  if (status === null) return 0;
  return status === 'APPROVED' ? 1 : 2;
}

const CURRENT_STATUS_RANK = `(CASE WHEN status = 'APPROVED' THEN 1 ELSE 2 END)`;
/** The current event's rank: its status's when both were stamped together. */
const CURRENT_EVENT_RANK = `(CASE WHEN status_at = last_event_at
  THEN ${CURRENT_STATUS_RANK} ELSE 0 END)`;
