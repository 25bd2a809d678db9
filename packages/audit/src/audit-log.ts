import type { RequestOrigin } from '@flowgento/core';
import type { Store, WorkspaceScope } from '@flowgento/store';
import type { AuditAction } from './actions.ts';

/** User agents are attacker-controlled text; keep enough to identify a device. */
const USER_AGENT_LIMIT = 512;

export type AuditActor =
  | { type: 'user'; id: string; label: string }
  | { type: 'anonymous'; label?: string }
  | { type: 'system'; label: string };

export interface AuditEntryInput {
  workspaceId: string | null;
  actor: AuditActor;
  action: AuditAction;
  outcome?: 'success' | 'failure';
  target?: { type: string; id: string };
  origin: RequestOrigin;
  details?: Record<string, string | number | boolean | null>;
}

export interface AuditEntry {
  seq: number;
  at: number;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  outcome: 'success' | 'failure';
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

interface AuditRow extends Omit<AuditEntry, 'details'> {
  detailsJson: string;
}

/**
 * The append-only audit log. `record` must run inside the transaction of the
 * action it describes, so that neither can exist without the other.
 */
export class AuditLog {
  constructor(private readonly store: Store) {}

  record(entry: AuditEntryInput): void {
    if (!this.store.db.inTransaction) {
      throw new Error(
        `Audit entry ${entry.action} written outside its action's transaction`,
      );
    }
    const actor = entry.actor;
    this.store
      .statement(
        `INSERT INTO audit_log (at, workspace_id, actor_type, actor_id, actor_label, action,
           outcome, target_type, target_id, ip, user_agent, details_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.store.clock.now(),
        entry.workspaceId,
        actor.type,
        actor.type === 'user' ? actor.id : null,
        actor.label ?? null,
        entry.action,
        entry.outcome ?? 'success',
        entry.target?.type ?? null,
        entry.target?.id ?? null,
        entry.origin.ip,
        entry.origin.userAgent?.slice(0, USER_AGENT_LIMIT) ?? null,
        JSON.stringify(entry.details ?? {}),
      );
  }

  /** Newest first, in pages keyed by sequence number. */
  list(
    scope: WorkspaceScope,
    options: { limit: number; beforeSeq?: number },
  ): AuditEntry[] {
    const rows = this.store
      .statement(
        `SELECT seq, at, actor_type AS actorType, actor_id AS actorId,
           actor_label AS actorLabel, action, outcome, target_type AS targetType,
           target_id AS targetId, ip, user_agent AS userAgent, details_json AS detailsJson
         FROM audit_log WHERE workspace_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      )
      .all(
        scope.workspaceId,
        options.beforeSeq ?? Number.MAX_SAFE_INTEGER,
        options.limit,
      ) as AuditRow[];
    return rows.map(({ detailsJson, ...row }) => ({
      ...row,
      details: JSON.parse(detailsJson) as Record<string, unknown>,
    }));
  }
}
