import { hash } from 'node:crypto';
import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import { openKeptValue, sealKeptValue } from './kept-value-seal.ts';

/** Identifies a delivery by its exact content, so a repeat stores nothing. */
export function contentDigest(rawJson: string): string {
  return hash('sha256', rawJson, 'hex');
}

/**
 * Webhook changes no handler reads (yet), kept raw per number so that
 * nothing Meta sent is lost, each distinct value once.
 */
export class WebhookEventRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /**
   * False when this exact value was already kept. A value naming one
   * contact is sealed under its key (`sealKeptValue`).
   */
  keep(numberId: string, field: string, rawJson: string): boolean {
    const id = newId();
    const stored = sealKeptValue(this.store, this.scope.workspaceId, id, rawJson);
    return (
      this.store
        .statement(
          `INSERT INTO webhook_events (id, workspace_id, number_id, field, raw_json, digest,
             contact_hash, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (workspace_id, number_id, field, digest) DO NOTHING`,
        )
        .run(
          id,
          this.scope.workspaceId,
          numberId,
          field,
          stored.rawJson,
          stored.digest ?? contentDigest(rawJson),
          stored.contactHash,
          this.store.clock.now(),
        ).changes === 1
    );
  }

  list(field?: string): { numberId: string; field: string; rawJson: string }[] {
    const rows = this.store
      .statement(
        `SELECT id, number_id AS numberId, field, raw_json AS rawJson,
           contact_hash AS contactHash FROM webhook_events
         WHERE workspace_id = ? AND (? IS NULL OR field = ?) ORDER BY received_at, id`,
      )
      .all(this.scope.workspaceId, field ?? null, field ?? null) as {
      id: string;
      numberId: string;
      field: string;
      rawJson: string;
      contactHash: string | null;
    }[];
    return rows.map((row) => ({
      numberId: row.numberId,
      field: row.field,
      rawJson: openKeptValue(this.store, this.scope.workspaceId, row),
    }));
  }
}
