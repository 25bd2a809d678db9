import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';

/** `marketing`, or a purpose the workspace defined (lowercase, up to 40). */
export type ConsentPurpose = string;
export type ConsentState = 'opted_in' | 'opted_out';
/** How a change was learnt: the customer's own channels, or a member. */
export type ConsentSource =
  'keyword' | 'preference_webhook' | 'opted_out_error' | 'agent' | 'admin' | 'import';

/**
 * What an event in the history was: a `change` of the record; a
 * `resumption`, a customer's START lifting an opt-out of consent once given
 * with a notice; a `request`, a START with no such consent behind it, kept
 * but giving none.
 */
export type ConsentEventKind = 'change' | 'resumption' | 'request';

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
  /** `change` unless said; a `request` is kept in the history only. */
  kind?: ConsentEventKind;
}

/** A customer's own STOP or START (keyword or WhatsApp's menu), before it is weighed. */
export type CustomerConsentChange = Omit<
  ConsentChange,
  'state' | 'noticeVersion' | 'language' | 'kind'
>;

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
           number_id, detail, occurred_at, recorded_at, notice_version, language, kind)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
        change.kind ?? 'change',
      );
    // The same report delivered again (Meta repeats webhooks) changes nothing.
    if (added.changes === 0 || change.kind === 'request') return false;
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

  /**
   * A customer's START (or WhatsApp's resume) only lifts an opt-out of a
   * consent that was once given with a notice: it is recorded as a
   * resumption carrying that notice again. Without such an opt-in, or when
   * nothing was withdrawn, it is kept in the history as a request and gives
   * no consent: a keyword is no proof the person read what they agree to
   * (review of issue #8). Returns whether the record moved.
   */
  resume(change: CustomerConsentChange): boolean {
    const current = this.get(change.contactId, change.purpose);
    const given = this.store
      .statement(
        `SELECT notice_version AS noticeVersion, language FROM consent_events
         WHERE workspace_id = ? AND contact_id = ? AND purpose = ?
           AND state = 'opted_in' AND notice_version IS NOT NULL AND kind != 'request'
           AND occurred_at <= ?
         ORDER BY occurred_at DESC, recorded_at DESC LIMIT 1`,
      )
      .get(
        this.scope.workspaceId,
        change.contactId,
        change.purpose,
        change.occurredAt,
      ) as { noticeVersion: string; language: string | null } | undefined;
    const lifts = given !== undefined && current?.state === 'opted_out';
    return this.record({
      ...change,
      state: 'opted_in',
      kind: lifts ? 'resumption' : 'request',
      noticeVersion: lifts ? given.noticeVersion : null,
      language: lifts ? given.language : null,
    });
  }

  /**
   * Whether the customer's own latest withdrawal of this purpose (their
   * STOP, WhatsApp's stop, Meta's 131050) still stands: no START or resume
   * of theirs came after it. A START is recorded under marketing only, yet
   * it answers the STOP that withdrew every purpose, so it counts for all.
   * A START in the STOP's own second does not count: which came first is
   * unknown, and a withdrawal wins a tie.
   */
  customerWithdrawalStands(contactId: string, purpose: ConsentPurpose): boolean {
    const stands = this.store
      .statement(
        `SELECT 1 FROM consent_events w
         WHERE w.workspace_id = ? AND w.contact_id = ? AND w.purpose = ?
           AND w.state = 'opted_out'
           AND w.source IN ('keyword', 'preference_webhook', 'opted_out_error')
           AND NOT EXISTS (
             SELECT 1 FROM consent_events s
             WHERE s.workspace_id = w.workspace_id AND s.contact_id = w.contact_id
               AND s.purpose IN (w.purpose, 'marketing') AND s.state = 'opted_in'
               AND s.source IN ('keyword', 'preference_webhook')
               AND s.occurred_at / 1000 > w.occurred_at / 1000)
         LIMIT 1`,
      )
      .get(this.scope.workspaceId, contactId, purpose);
    return stands !== undefined;
  }

  /** The purposes a contact is opted in to now, marketing included. */
  optedInPurposes(contactId: string): string[] {
    return this.store
      .statement(
        `SELECT purpose FROM contact_consent
         WHERE workspace_id = ? AND contact_id = ? AND state = 'opted_in'
         ORDER BY purpose`,
      )
      .pluck()
      .all(this.scope.workspaceId, contactId) as string[];
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
