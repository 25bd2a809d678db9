import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { ConsentEventKind, ConsentRecord } from './consent.ts';

/** A notice the workspace showed people when asking for consent. */
export interface ConsentNotice {
  version: string;
  language: string;
  body: string;
  createdAt: number;
}

/** A purpose the workspace asks consent for, beside `marketing`. */
export interface ConsentPurposeEntry {
  purpose: string;
  description: string;
}

/** One change in a contact's consent history. */
export interface ConsentHistoryEntry {
  purpose: string;
  state: ConsentRecord['state'];
  /** A change, a resumption, or a request that gave no consent. */
  kind: ConsentEventKind;
  source: string;
  numberId: string | null;
  noticeVersion: string | null;
  language: string | null;
  /** The time the channel stamped (Meta stamps whole seconds). */
  occurredAt: number;
  /**
   * When it took effect in the register: its stamp, or, for a withdrawal
   * that outranked an opt-in of the same second, that opt-in's time.
   */
  effectiveAt: number;
}

/** A history entry with the contact it belongs to, for the register's export. */
export interface ConsentHistoryLine extends ConsentHistoryEntry {
  contactId: string;
}

const RECORD_COLUMNS = `contact_id AS contactId, purpose, state, source,
  number_id AS numberId, changed_at AS changedAt,
  notice_version AS noticeVersion, language`;

/**
 * The register side of consent: every contact's records, their history, the
 * workspace's notices and purposes. Contact details are not read here; the
 * service joins them through the contacts repository.
 */
export class ConsentRegisterRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /** Every record of the workspace, or of one contact, oldest change first. */
  records(contactId?: string): ConsentRecord[] {
    const ws = this.scope.workspaceId;
    if (contactId === undefined) {
      return this.store
        .statement(
          `SELECT ${RECORD_COLUMNS} FROM contact_consent WHERE workspace_id = ?
           ORDER BY changed_at, contact_id, purpose`,
        )
        .all(ws) as ConsentRecord[];
    }
    return this.store
      .statement(
        `SELECT ${RECORD_COLUMNS} FROM contact_consent
         WHERE workspace_id = ? AND contact_id = ? ORDER BY purpose`,
      )
      .all(ws, contactId) as ConsentRecord[];
  }

  /** A contact's consent changes, in the order they took effect. */
  history(contactId: string): ConsentHistoryEntry[] {
    return this.historyLines(contactId).map(({ contactId: _, ...entry }) => entry);
  }

  /**
   * Every contact's consent changes, or one contact's, per contact in the
   * order they took effect: by the whole second, and within a second opt-ins
   * before withdrawals, as `ConsentRepo.record` lets a withdrawal win a tie.
   * The last change of a purpose is then the one its record holds.
   */
  historyLines(contactId?: string): ConsentHistoryLine[] {
    const rows = this.store
      .statement(
        `SELECT contact_id AS contactId, purpose, state, kind, source,
           number_id AS numberId, notice_version AS noticeVersion, language,
           occurred_at AS occurredAt
         FROM consent_events WHERE workspace_id = ? AND (? IS NULL OR contact_id = ?)
         ORDER BY contact_id, occurred_at / 1000, state = 'opted_out', occurred_at,
           recorded_at, rowid`,
      )
      .all(this.scope.workspaceId, contactId ?? null, contactId ?? null) as Omit<
      ConsentHistoryLine,
      'effectiveAt'
    >[];
    // A withdrawal stamped 08:29:47.000 that beat an opt-in of 08:29:47.115
    // took effect after it: shown at the opt-in's time, never before it.
    const latest = new Map<string, number>();
    return rows.map((row) => {
      const key = `${row.contactId}\u0000${row.purpose}`;
      const effectiveAt = Math.max(row.occurredAt, latest.get(key) ?? 0);
      if (row.kind !== 'request') latest.set(key, effectiveAt);
      return { ...row, effectiveAt };
    });
  }

  notices(): ConsentNotice[] {
    return this.store
      .statement(
        `SELECT version, language, body, created_at AS createdAt FROM consent_notices
         WHERE workspace_id = ? ORDER BY created_at, version, language`,
      )
      .all(this.scope.workspaceId) as ConsentNotice[];
  }

  hasNotice(version: string, language: string): boolean {
    return (
      this.store
        .statement(
          `SELECT 1 FROM consent_notices
           WHERE workspace_id = ? AND version = ? AND language = ?`,
        )
        .get(this.scope.workspaceId, version, language) !== undefined
    );
  }

  /** Adds a notice text; a version once published is never rewritten. */
  addNotice(notice: Omit<ConsentNotice, 'createdAt'>): boolean {
    const added = this.store
      .statement(
        `INSERT INTO consent_notices (workspace_id, version, language, body, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .run(
        this.scope.workspaceId,
        notice.version,
        notice.language,
        notice.body,
        this.store.clock.now(),
      );
    return added.changes === 1;
  }

  purposes(): ConsentPurposeEntry[] {
    return this.store
      .statement(
        `SELECT purpose, description FROM consent_purposes WHERE workspace_id = ?
         ORDER BY purpose`,
      )
      .all(this.scope.workspaceId) as ConsentPurposeEntry[];
  }

  /** Adds or renames a purpose; returns whether it was new. */
  savePurpose(entry: ConsentPurposeEntry): boolean {
    const existed = this.purposes().some((p) => p.purpose === entry.purpose);
    this.store
      .statement(
        `INSERT INTO consent_purposes (workspace_id, purpose, description) VALUES (?, ?, ?)
         ON CONFLICT (workspace_id, purpose) DO UPDATE SET description = excluded.description`,
      )
      .run(this.scope.workspaceId, entry.purpose, entry.description);
    return !existed;
  }
}
