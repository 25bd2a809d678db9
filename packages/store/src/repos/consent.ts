import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';

/** `marketing`, or a purpose the workspace defined (lowercase, up to 40). */
export type ConsentPurpose = string;
export type ConsentState = 'opted_in' | 'opted_out';
/** How a change was learnt: the customer's own channels, or a member. */
export type ConsentSource =
  'keyword' | 'preference_webhook' | 'opted_out_error' | 'agent' | 'admin' | 'import';

/** Where a contact stands for one purpose, and what put them there. */
export interface ConsentRecord {
  contactId: string;
  purpose: ConsentPurpose;
  state: ConsentState;
  source: ConsentSource;
  numberId: string | null;
  changedAt: number;
  /** The notice the person read when they opted in; null for a withdrawal. */
  noticeVersion: string | null;
  language: string | null;
}

export interface ConsentChange {
  contactId: string;
  purpose: ConsentPurpose;
  state: ConsentState;
  source: ConsentSource;
  numberId: string | null;
  /** The keyword, the preference's detail, the error code, the agent's id. */
  detail: string | null;
  /** When it happened (a webhook's timestamp), not when we learnt of it. */
  occurredAt: number;
  /** For an opt-in recorded by a member or an import: the notice shown. */
  noticeVersion?: string | null;
  language?: string | null;
}

const RECORD_COLUMNS = `contact_id AS contactId, purpose, state, source,
  number_id AS numberId, changed_at AS changedAt,
  notice_version AS noticeVersion, language`;

/** A workspace's consent records, their history, and its STOP / START words. */
export class ConsentRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  get(contactId: string, purpose: ConsentPurpose): ConsentRecord | undefined {
    return this.store
      .statement(
        `SELECT ${RECORD_COLUMNS} FROM contact_consent
         WHERE workspace_id = ? AND contact_id = ? AND purpose = ?`,
      )
      .get(this.scope.workspaceId, contactId, purpose) as ConsentRecord | undefined;
  }

  /**
   * Records a change in the history, once however often it is reported, and
   * moves the current record unless a later change is already there:
   * webhooks arrive out of order, and an old STOP must not undo a newer
   * START. Returns whether the record moved.
   *
   * Changes are compared by the whole second, because Meta stamps in whole
   * seconds while a member's change carries milliseconds: a STOP stamped
   * 12:00:00 may well have been written after an opt-in recorded at
   * 12:00:00.500. Within one second a withdrawal always wins, whichever
   * arrived first; between two changes of the same state, the one received
   * last holds unless its stamp is older (review of issue #8).
   */
  record(change: ConsentChange): boolean {
    const ws = this.scope.workspaceId;
    const now = this.store.clock.now();
    const added = this.store
      .statement(
        `INSERT INTO consent_events (id, workspace_id, contact_id, purpose, state, source,
           number_id, detail, occurred_at, recorded_at, notice_version, language)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id, contact_id, purpose, source, state, occurred_at)
           DO NOTHING`,
      )
      .run(
        newId(),
        ws,
        change.contactId,
        change.purpose,
        change.state,
        change.source,
        change.numberId,
        change.detail,
        change.occurredAt,
        now,
        change.noticeVersion ?? null,
        change.language ?? null,
      );
    // The same report delivered again (Meta repeats webhooks) changes nothing.
    if (added.changes === 0) return false;
    const moved = this.store
      .statement(
        `INSERT INTO contact_consent (workspace_id, contact_id, purpose, state, source,
           number_id, changed_at, notice_version, language)
         SELECT ?, id, ?, ?, ?, ?, ?, ?, ? FROM contacts WHERE workspace_id = ? AND id = ?
         ON CONFLICT (workspace_id, contact_id, purpose) DO UPDATE SET
           state = excluded.state, source = excluded.source,
           number_id = excluded.number_id, changed_at = excluded.changed_at,
           notice_version = excluded.notice_version, language = excluded.language
         WHERE excluded.changed_at / 1000 > contact_consent.changed_at / 1000
           OR (excluded.changed_at / 1000 = contact_consent.changed_at / 1000
             AND CASE
               WHEN excluded.state = contact_consent.state
                 THEN excluded.changed_at >= contact_consent.changed_at
               ELSE excluded.state = 'opted_out'
             END)`,
      )
      .run(
        ws,
        change.purpose,
        change.state,
        change.source,
        change.numberId,
        change.occurredAt,
        change.noticeVersion ?? null,
        change.language ?? null,
        ws,
        change.contactId,
      );
    return moved.changes === 1;
  }

  /** The workspace's own keywords; empty when it uses the built-in lists. */
  keywords(): { stop: string[]; start: string[] } {
    const rows = this.store
      .statement(
        `SELECT kind, keyword FROM consent_keywords WHERE workspace_id = ?
         ORDER BY kind, keyword`,
      )
      .all(this.scope.workspaceId) as { kind: 'stop' | 'start'; keyword: string }[];
    return {
      stop: rows.filter((r) => r.kind === 'stop').map((r) => r.keyword),
      start: rows.filter((r) => r.kind === 'start').map((r) => r.keyword),
    };
  }

  /** Replaces the workspace's keywords; two empty lists go back to the built-ins. */
  setKeywords(lists: { stop: readonly string[]; start: readonly string[] }): void {
    const ws = this.scope.workspaceId;
    this.store.statement('DELETE FROM consent_keywords WHERE workspace_id = ?').run(ws);
    const insert = this.store.statement(
      `INSERT INTO consent_keywords (workspace_id, kind, keyword) VALUES (?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    for (const keyword of lists.stop) insert.run(ws, 'stop', keyword);
    for (const keyword of lists.start) insert.run(ws, 'start', keyword);
  }
}
