import type { Store } from '../store.ts';
import { workspaceScope, type WorkspaceScope } from '../scope.ts';

export const RETENTION_CATEGORIES = [
  'conversations',
  'media',
  'inactive_contacts',
  'audit_log',
  'security_log',
] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

export interface RetentionRule {
  category: RetentionCategory;
  days: number;
  /** The approved template an inactivity notice is sent with. */
  noticeTemplateId: string | null;
  updatedBy: string | null;
  updatedAt: number;
}

export interface RetentionRunRecord {
  at: number;
  counts: Record<string, number>;
}

/** A notice sent and not cancelled. */
export interface OpenNotice {
  contactId: string;
  noticedAt: number;
  purgeAfter: number;
  /** Messages the contact had written when told. */
  inboundSeen: number;
}

/** A stored file old enough to go, and where it is sealed. */
export interface ExpiredMedia {
  id: string;
  objectKey: string | null;
}

const NOT_HELD = (column: string, contactColumn: string) => `NOT EXISTS (
  SELECT 1 FROM legal_holds h WHERE h.workspace_id = ? AND h.released_at IS NULL
    AND (h.conversation_id = ${column} OR h.contact_id = ${contactColumn}))`;

/**
 * One workspace's retention rules, the rows each rule reaches (ids and
 * times only, never a body), its inactivity notices and its runs.
 */
export class RetentionRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  rules(): RetentionRule[] {
    return this.store
      .statement(
        `SELECT category, days, notice_template_id AS noticeTemplateId,
           updated_by AS updatedBy, updated_at AS updatedAt
         FROM retention_rules WHERE workspace_id = ? ORDER BY category`,
      )
      .all(this.scope.workspaceId) as RetentionRule[];
  }

  rule(category: RetentionCategory): RetentionRule | undefined {
    return this.rules().find((rule) => rule.category === category);
  }

  setRule(
    rule: Pick<RetentionRule, 'category' | 'days' | 'noticeTemplateId'>,
    by: string | null,
  ): void {
    this.store
      .statement(
        `INSERT INTO retention_rules (workspace_id, category, days, notice_template_id,
           updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id, category) DO UPDATE SET days = excluded.days,
           notice_template_id = excluded.notice_template_id,
           updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
      )
      .run(
        this.scope.workspaceId,
        rule.category,
        rule.days,
        rule.noticeTemplateId,
        by,
        this.store.clock.now(),
      );
  }

  /** Turns a rule off; false when there was none. */
  removeRule(category: RetentionCategory): boolean {
    return (
      this.store
        .statement('DELETE FROM retention_rules WHERE workspace_id = ? AND category = ?')
        .run(this.scope.workspaceId, category).changes === 1
    );
  }

  /** Conversations whose last message is older than `cutoff`, not under a hold. */
  expiredConversations(cutoff: number): string[] {
    const ws = this.scope.workspaceId;
    return this.store
      .statement(
        `SELECT c.id FROM conversations c
         WHERE c.workspace_id = ? AND c.last_message_at < ?
           AND ${NOT_HELD('c.id', 'c.contact_id')}
         ORDER BY c.last_message_at`,
      )
      .pluck()
      .all(ws, cutoff, ws) as string[];
  }

  /** Stored files of messages older than `cutoff`, not under a hold. */
  expiredMedia(cutoff: number): ExpiredMedia[] {
    const ws = this.scope.workspaceId;
    return this.store
      .statement(
        `SELECT m.id, m.object_key AS objectKey FROM media m
         JOIN messages g ON g.id = m.message_id AND g.workspace_id = m.workspace_id
         JOIN conversations c ON c.id = g.conversation_id AND c.workspace_id = g.workspace_id
         WHERE m.workspace_id = ? AND m.state = 'stored' AND g.occurred_at < ?
           AND ${NOT_HELD('c.id', 'c.contact_id')}`,
      )
      .all(ws, cutoff, ws) as ExpiredMedia[];
  }

  /**
   * A stored file removed by retention: the message stays and shows why,
   * its sealed object's key goes with the row's columns.
   */
  markMediaRemoved(mediaId: string): boolean {
    return (
      this.store
        .statement(
          `UPDATE media SET state = 'failed', failure_reason = 'removed_by_retention',
             object_key = NULL, provider_id = NULL, key_wrapped = NULL,
             sealed_size = NULL, sealed_sha256 = NULL, updated_at = ?
           WHERE workspace_id = ? AND id = ? AND state = 'stored'`,
        )
        .run(this.store.clock.now(), this.scope.workspaceId, mediaId).changes === 1
    );
  }

  /**
   * Contacts with a conversation in which they have not written since
   * `cutoff` (a conversation they never wrote in counts from its start),
   * not under a hold. What the business sent them does not count: the
   * notice itself is a message to them.
   */
  inactiveContacts(cutoff: number): string[] {
    const ws = this.scope.workspaceId;
    return this.store
      .statement(
        `SELECT k.id FROM contacts k
         WHERE k.workspace_id = ?
           AND EXISTS (SELECT 1 FROM conversations c
             WHERE c.workspace_id = k.workspace_id AND c.contact_id = k.id)
           AND NOT EXISTS (SELECT 1 FROM conversations c
             WHERE c.workspace_id = k.workspace_id AND c.contact_id = k.id
               AND coalesce(c.last_inbound_at, c.created_at) >= ?)
           AND NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.workspace_id = ?
             AND h.released_at IS NULL AND h.contact_id = k.id)`,
      )
      .pluck()
      .all(ws, cutoff, ws) as string[];
  }

  /** How many messages the contact has written, over all their conversations. */
  inboundCount(contactId: string): number {
    return this.store
      .statement(
        `SELECT coalesce(sum(inbound_count), 0) FROM conversations
         WHERE workspace_id = ? AND contact_id = ?`,
      )
      .pluck()
      .get(this.scope.workspaceId, contactId) as number;
  }

  /** A conversation of the contact to send the notice in, the latest. */
  latestConversationOf(contactId: string): string | undefined {
    return this.store
      .statement(
        `SELECT id FROM conversations WHERE workspace_id = ? AND contact_id = ?
         ORDER BY last_message_at DESC LIMIT 1`,
      )
      .pluck()
      .get(this.scope.workspaceId, contactId) as string | undefined;
  }

  notice(
    contactId: string,
  ): { noticedAt: number; purgeAfter: number; cancelledAt: number | null } | undefined {
    return this.store
      .statement(
        `SELECT noticed_at AS noticedAt, purge_after AS purgeAfter,
           cancelled_at AS cancelledAt
         FROM retention_notices WHERE workspace_id = ? AND contact_id = ?`,
      )
      .get(this.scope.workspaceId, contactId) as
      { noticedAt: number; purgeAfter: number; cancelledAt: number | null } | undefined;
  }

  recordNotice(contactId: string, purgeAfter: number): void {
    this.store
      .statement(
        `INSERT INTO retention_notices (workspace_id, contact_id, noticed_at, purge_after,
           inbound_seen) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (workspace_id, contact_id) DO UPDATE SET
           noticed_at = excluded.noticed_at, purge_after = excluded.purge_after,
           inbound_seen = excluded.inbound_seen, cancelled_at = NULL`,
      )
      .run(
        this.scope.workspaceId,
        contactId,
        this.store.clock.now(),
        purgeAfter,
        this.inboundCount(contactId),
      );
  }

  cancelNotice(contactId: string): boolean {
    return (
      this.store
        .statement(
          `UPDATE retention_notices SET cancelled_at = ?
           WHERE workspace_id = ? AND contact_id = ? AND cancelled_at IS NULL`,
        )
        .run(this.store.clock.now(), this.scope.workspaceId, contactId).changes === 1
    );
  }

  /** Notices sent and not cancelled, for the Retention page. */
  openNotices(): OpenNotice[] {
    return this.store
      .statement(
        `SELECT contact_id AS contactId, noticed_at AS noticedAt, purge_after AS purgeAfter,
           inbound_seen AS inboundSeen
         FROM retention_notices WHERE workspace_id = ? AND cancelled_at IS NULL
         ORDER BY purge_after`,
      )
      .all(this.scope.workspaceId) as OpenNotice[];
  }

  recordRun(counts: Record<string, number>): void {
    this.store
      .statement(
        'INSERT INTO retention_runs (workspace_id, at, counts_json) VALUES (?, ?, ?)',
      )
      .run(this.scope.workspaceId, this.store.clock.now(), JSON.stringify(counts));
  }

  lastRun(): RetentionRunRecord | null {
    const row = this.store
      .statement(
        `SELECT at, counts_json AS counts FROM retention_runs
         WHERE workspace_id = ? ORDER BY seq DESC LIMIT 1`,
      )
      .get(this.scope.workspaceId) as { at: number; counts: string } | undefined;
    return row
      ? { at: row.at, counts: JSON.parse(row.counts) as Record<string, number> }
      : null;
  }
}

/**
 * The one look across workspaces, for the daily run: which workspaces have
 * rules. The run then works through each workspace's own repository.
 */
export class RetentionIndex {
  constructor(private readonly store: Store) {}

  /** The longest any workspace keeps a category, in days; null without a rule. */
  longestDays(category: RetentionCategory): number | null {
    return this.store
      .statement('SELECT max(days) FROM retention_rules WHERE category = ?')
      .pluck()
      .get(category) as number | null;
  }

  workspacesWithRules(): { scope: WorkspaceScope; name: string }[] {
    const rows = this.store
      .statement(
        `SELECT w.id, w.name FROM workspaces w
         WHERE EXISTS (SELECT 1 FROM retention_rules r WHERE r.workspace_id = w.id)
         ORDER BY w.created_at`,
      )
      .all() as { id: string; name: string }[];
    // The ids come from rows of this database, never from a caller.
    return rows.map((row) => ({ scope: workspaceScope(row.id), name: row.name }));
  }
}
