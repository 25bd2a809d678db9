import { hash } from 'node:crypto';
import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';

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

  /** False when this exact value was already kept. */
  keep(numberId: string, field: string, rawJson: string): boolean {
    return (
      this.store
        .statement(
          `INSERT INTO webhook_events (id, workspace_id, number_id, field, raw_json, digest,
             received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (workspace_id, number_id, field, digest) DO NOTHING`,
        )
        .run(
          newId(),
          this.scope.workspaceId,
          numberId,
          field,
          rawJson,
          contentDigest(rawJson),
          this.store.clock.now(),
        ).changes === 1
    );
  }

  list(field?: string): { numberId: string; field: string; rawJson: string }[] {
    return this.store
      .statement(
        `SELECT number_id AS numberId, field, raw_json AS rawJson FROM webhook_events
         WHERE workspace_id = ? AND (? IS NULL OR field = ?) ORDER BY received_at, id`,
      )
      .all(this.scope.workspaceId, field ?? null, field ?? null) as {
      numberId: string;
      field: string;
      rawJson: string;
    }[];
  }
}
