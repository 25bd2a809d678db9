import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';

export const DATA_REQUEST_KINDS = [
  'access',
  'correction',
  'erasure',
  'grievance',
  'nomination',
] as const;
export type DataRequestKind = (typeof DATA_REQUEST_KINDS)[number];
export const DATA_REQUEST_LAWS = ['GDPR', 'DPDP'] as const;
export type DataRequestLaw = (typeof DATA_REQUEST_LAWS)[number];
export type DataRequestStatus =
  'open' | 'verified' | 'extended' | 'fulfilled' | 'refused';

/** A request a person made about their own data, and where its clock stands. */
export interface DataRequest {
  id: string;
  kind: DataRequestKind;
  law: DataRequestLaw;
  requester: string;
  contactId: string | null;
  receivedAt: number;
  verificationMethod: string | null;
  verifiedBy: string | null;
  verifiedAt: number | null;
  status: DataRequestStatus;
  dueAt: number;
  extendedUntil: number | null;
  extensionToldAt: number | null;
  refusalReason: string | null;
  refusalAuthority: string | null;
  closedAt: number | null;
}

const COLUMNS = `id, kind, law, requester, contact_id AS contactId,
  received_at AS receivedAt, verification_method AS verificationMethod,
  verified_by AS verifiedBy, verified_at AS verifiedAt, status, due_at AS dueAt,
  extended_until AS extendedUntil, extension_told_at AS extensionToldAt,
  refusal_reason AS refusalReason, refusal_authority AS refusalAuthority,
  closed_at AS closedAt`;

/** One workspace's data requests; every statement binds its workspace. */
export class DataRequestRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  insert(input: {
    kind: DataRequestKind;
    law: DataRequestLaw;
    requester: string;
    contactId: string | null;
    receivedAt: number;
    dueAt: number;
    loggedBy: string | null;
  }): string {
    const id = newId();
    const now = this.store.clock.now();
    this.store
      .statement(
        `INSERT INTO data_requests (id, workspace_id, kind, law, requester, contact_id,
           received_at, logged_by, due_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        input.kind,
        input.law,
        input.requester,
        input.contactId,
        input.receivedAt,
        input.loggedBy,
        input.dueAt,
        now,
        now,
      );
    return id;
  }

  get(id: string): DataRequest | undefined {
    return this.store
      .statement(`SELECT ${COLUMNS} FROM data_requests WHERE workspace_id = ? AND id = ?`)
      .get(this.scope.workspaceId, id) as DataRequest | undefined;
  }

  /** Open requests first, soonest due first; then the closed, newest first. */
  list(limit = 500): DataRequest[] {
    return this.store
      .statement(
        `SELECT ${COLUMNS} FROM data_requests WHERE workspace_id = ?
         ORDER BY closed_at IS NOT NULL, coalesce(closed_at, 0) DESC, due_at LIMIT ?`,
      )
      .all(this.scope.workspaceId, limit) as DataRequest[];
  }

  /** Requests still open, soonest due first (index `data_requests_by_due`). */
  listOpen(): DataRequest[] {
    return this.store
      .statement(
        `SELECT ${COLUMNS} FROM data_requests
         WHERE workspace_id = ? AND closed_at IS NULL ORDER BY due_at`,
      )
      .all(this.scope.workspaceId) as DataRequest[];
  }

  verify(
    id: string,
    input: { method: string; by: string | null; contactId: string },
  ): boolean {
    return this.update(
      id,
      `verification_method = ?, verified_by = ?, verified_at = ?, contact_id = ?,
       status = CASE status WHEN 'open' THEN 'verified' ELSE status END`,
      [input.method, input.by, this.store.clock.now(), input.contactId],
    );
  }

  extend(id: string, input: { until: number; toldAt: number; reason: string }): boolean {
    return this.update(
      id,
      `extended_until = ?, extension_told_at = ?, extension_reason = ?, due_at = ?,
       status = 'extended'`,
      [input.until, input.toldAt, input.reason, input.until],
    );
  }

  close(
    id: string,
    input:
      | { status: 'fulfilled'; by: string | null }
      | { status: 'refused'; by: string | null; reason: string; authority: string },
  ): boolean {
    const refused = input.status === 'refused' ? input : null;
    return this.update(
      id,
      `status = ?, closed_at = ?, closed_by = ?, refusal_reason = ?, refusal_authority = ?`,
      [
        input.status,
        this.store.clock.now(),
        input.by,
        refused?.reason ?? null,
        refused?.authority ?? null,
      ],
    );
  }

  /** The authority set for a law in this workspace, if any. */
  authority(law: DataRequestLaw): string | null {
    return (
      (this.store
        .statement(
          `SELECT authority FROM data_request_authorities
           WHERE workspace_id = ? AND law = ?`,
        )
        .pluck()
        .get(this.scope.workspaceId, law) as string | undefined) ?? null
    );
  }

  setAuthority(law: DataRequestLaw, authority: string): void {
    this.store
      .statement(
        `INSERT INTO data_request_authorities (workspace_id, law, authority, updated_at)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (workspace_id, law) DO UPDATE SET
           authority = excluded.authority, updated_at = excluded.updated_at`,
      )
      .run(this.scope.workspaceId, law, authority, this.store.clock.now());
  }

  // Only an open request changes: a closed one is the record of what was done.
  private update(id: string, set: string, values: unknown[]): boolean {
    return (
      this.store
        .statement(
          `UPDATE data_requests SET ${set}, updated_at = ?
           WHERE workspace_id = ? AND id = ? AND closed_at IS NULL`,
        )
        .run(...values, this.store.clock.now(), this.scope.workspaceId, id).changes === 1
    );
  }
}
