import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import { workspaceScope, type WorkspaceScope } from '../scope.ts';

export const BREACH_DUTIES = [
  'cert_in',
  'people',
  'board_intimation',
  'board',
  'gdpr',
] as const;
/** Whom a breach must be reported to: each one is a clock. */
export type BreachDuty = (typeof BREACH_DUTIES)[number];

/** The free-text facts of an incident, kept as one JSON object. */
export type BreachDetails = Record<string, string>;

export interface BreachRecord {
  id: string;
  title: string;
  awareAt: number;
  occurredAt: number | null;
  details: BreachDetails;
  /** The appliance's target for telling people "without delay", in hours. */
  peopleTargetHours: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  done: Partial<Record<BreachDuty, { at: number; reference: string }>>;
}

/** How many personal data records a breach concerns, by kind. */
export interface BreachRecords {
  messages: number;
  files: number;
  notes: number;
}

interface BreachRow {
  id: string;
  title: string;
  awareAt: number;
  occurredAt: number | null;
  detailsJson: string;
  peopleTargetHours: number;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

const COLUMNS = `id, title, aware_at AS awareAt, occurred_at AS occurredAt,
  details_json AS detailsJson, people_target_hours AS peopleTargetHours,
  created_by AS createdBy, created_at AS createdAt, updated_at AS updatedAt`;

/** The workspace's breach register. */
export class BreachRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  add(input: {
    title: string;
    awareAt: number;
    occurredAt: number | null;
    details: BreachDetails;
    peopleTargetHours: number;
    createdBy: string;
  }): string {
    const id = newId();
    const now = this.store.clock.now();
    this.store
      .statement(
        `INSERT INTO breaches (id, workspace_id, title, aware_at, occurred_at, details_json,
           people_target_hours, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        input.title,
        input.awareAt,
        input.occurredAt,
        JSON.stringify(input.details),
        input.peopleTargetHours,
        input.createdBy,
        now,
        now,
      );
    return id;
  }

  get(id: string): BreachRecord | undefined {
    const row = this.store
      .statement(`SELECT ${COLUMNS} FROM breaches WHERE workspace_id = ? AND id = ?`)
      .get(this.scope.workspaceId, id) as BreachRow | undefined;
    return row && this.withClocks(row);
  }

  /** Newest awareness first. */
  list(limit = 200): BreachRecord[] {
    const rows = this.store
      .statement(
        `SELECT ${COLUMNS} FROM breaches WHERE workspace_id = ?
         ORDER BY aware_at DESC, id DESC LIMIT ?`,
      )
      .all(this.scope.workspaceId, limit) as BreachRow[];
    return rows.map((row) => this.withClocks(row));
  }

  /** Records a duty as done; false when the breach is not this workspace's. */
  markDone(id: string, duty: BreachDuty, at: number, reference: string): boolean {
    if (!this.get(id)) return false;
    this.store
      .statement(
        `INSERT INTO breach_clocks (breach_id, duty, done_at, reference) VALUES (?, ?, ?, ?)
         ON CONFLICT (breach_id, duty) DO UPDATE SET
           done_at = excluded.done_at, reference = excluded.reference`,
      )
      .run(id, duty, at, reference);
    this.touch(id);
    return true;
  }

  /** Replaces the free-text facts (the pre-filled notices are edited here). */
  updateDetails(id: string, details: BreachDetails): boolean {
    const result = this.store
      .statement(
        `UPDATE breaches SET details_json = ?, updated_at = ? WHERE workspace_id = ? AND id = ?`,
      )
      .run(JSON.stringify(details), this.store.clock.now(), this.scope.workspaceId, id);
    return result.changes === 1;
  }

  /**
   * The personal data records held for these contacts of the workspace:
   * messages, stored files and notes. GDPR article 33(3)(a) asks for their
   * approximate number; an erased contact holds none.
   */
  recordsOf(contactIds: readonly string[]): BreachRecords {
    const ids = JSON.stringify(contactIds);
    const ws = this.scope.workspaceId;
    const count = (sql: string) =>
      this.store.statement(sql).pluck().get({ ws, ids }) as number;
    const ofContacts = `SELECT id FROM conversations WHERE workspace_id = @ws
      AND contact_id IN (SELECT value FROM json_each(@ids))`;
    return {
      messages: count(
        `SELECT count(*) FROM messages WHERE workspace_id = @ws
         AND conversation_id IN (${ofContacts})`,
      ),
      files: count(
        `SELECT count(*) FROM media md JOIN messages m ON m.id = md.message_id
         WHERE md.workspace_id = @ws AND md.state = 'stored'
           AND m.conversation_id IN (${ofContacts})`,
      ),
      notes: count(
        `SELECT count(*) FROM notes WHERE workspace_id = @ws
         AND contact_id IN (SELECT value FROM json_each(@ids))`,
      ),
    };
  }

  private touch(id: string): void {
    this.store
      .statement(`UPDATE breaches SET updated_at = ? WHERE workspace_id = ? AND id = ?`)
      .run(this.store.clock.now(), this.scope.workspaceId, id);
  }

  private withClocks({ detailsJson, ...row }: BreachRow): BreachRecord {
    const clocks = this.store
      .statement(
        `SELECT duty, done_at AS at, reference FROM breach_clocks
         WHERE breach_id = ? AND done_at IS NOT NULL`,
      )
      .all(row.id) as { duty: BreachDuty; at: number; reference: string | null }[];
    const done: BreachRecord['done'] = {};
    for (const c of clocks) done[c.duty] = { at: c.at, reference: c.reference ?? '' };
    return { ...row, details: JSON.parse(detailsJson) as BreachDetails, done };
  }
}

/**
 * Every workspace's breaches, for the operator's `breaches due` on the
 * appliance itself (no member's scope exists there).
 */
export function breachesOfEveryWorkspace(
  store: Store,
): { workspaceName: string; breaches: BreachRecord[] }[] {
  return store.workspaces.list().map((workspace) => ({
    workspaceName: workspace.name,
    breaches: new BreachRepo(store, workspaceScope(workspace.id)).list(),
  }));
}
