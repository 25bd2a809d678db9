import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import { ContactCipher, columnAad, isSealed } from '../contact-seal.ts';

export type OutboundJobKind = 'text' | 'template';

export interface OutboundJob {
  id: string;
  workspaceId: string;
  messageId: string;
  kind: OutboundJobKind;
  payloadJson: string;
  attempts: number;
  nextAttemptAt: number;
}

const COLUMNS = `id, workspace_id AS workspaceId, message_id AS messageId, kind,
  payload_json AS payloadJson, attempts, next_attempt_at AS nextAttemptAt`;

/** The contact a message is to: whose key seals its job's payload. */
const CONTACT_OF_MESSAGE = `SELECT v.contact_id FROM messages m
  JOIN conversations v ON v.id = m.conversation_id WHERE m.workspace_id = ? AND m.id = ?`;

const payloadAad = (jobId: string) => columnAad('outbound_jobs', jobId, 'payload_json');

/** Jobs with their payloads opened (sealed under the contact's key, issue 8). */
function openJobs(store: Store, jobs: OutboundJob[]): OutboundJob[] {
  const ciphers = new Map<string, ContactCipher>();
  return jobs.map((job) => {
    if (!isSealed(job.payloadJson)) return job;
    const contactId = store
      .statement(CONTACT_OF_MESSAGE)
      .pluck()
      .get(job.workspaceId, job.messageId) as string | undefined;
    let cipher = ciphers.get(job.workspaceId);
    if (!cipher) {
      cipher = new ContactCipher(store.contactKeys, job.workspaceId);
      ciphers.set(job.workspaceId, cipher);
    }
    return {
      ...job,
      payloadJson: cipher.open(contactId ?? '', job.payloadJson, payloadAad(job.id)),
    };
  });
}

/** A workspace's outbound jobs (see migration 022). */
export class OutboundJobRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  enqueue(input: {
    messageId: string;
    kind: OutboundJobKind;
    payloadJson: string;
  }): string {
    const id = newId();
    const now = this.store.clock.now();
    const contactId = this.store
      .statement(CONTACT_OF_MESSAGE)
      .pluck()
      .get(this.scope.workspaceId, input.messageId) as string | undefined;
    const payload =
      contactId === undefined
        ? input.payloadJson
        : new ContactCipher(this.store.contactKeys, this.scope.workspaceId).seal(
            contactId,
            input.payloadJson,
            payloadAad(id),
          );
    this.store
      .statement(
        `INSERT INTO outbound_jobs (id, workspace_id, message_id, kind, payload_json,
           state, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        input.messageId,
        input.kind,
        payload,
        now,
        now,
        now,
      );
    return id;
  }

  get(id: string): OutboundJob | undefined {
    const job = this.store
      .statement(
        `SELECT ${COLUMNS} FROM outbound_jobs
         WHERE workspace_id = ? AND id = ? AND state = 'queued'`,
      )
      .get(this.scope.workspaceId, id) as OutboundJob | undefined;
    return job && openJobs(this.store, [job])[0];
  }

  /** Counts an attempt and sets the next one; false when the job is no longer queued. */
  retryAt(id: string, nextAttemptAt: number, reason: string): boolean {
    return (
      this.store
        .statement(
          `UPDATE outbound_jobs SET attempts = attempts + 1, next_attempt_at = ?,
             last_reason = ?, updated_at = ?
           WHERE workspace_id = ? AND id = ? AND state = 'queued'`,
        )
        .run(nextAttemptAt, reason, this.store.clock.now(), this.scope.workspaceId, id)
        .changes === 1
    );
  }

  finish(id: string, state: 'done' | 'failed', reason: string | null): boolean {
    return (
      this.store
        .statement(
          `UPDATE outbound_jobs SET state = ?, attempts = attempts + 1, last_reason = ?,
             updated_at = ?
           WHERE workspace_id = ? AND id = ? AND state = 'queued'`,
        )
        .run(state, reason, this.store.clock.now(), this.scope.workspaceId, id)
        .changes === 1
    );
  }
}

/**
 * Jobs due at `now`, across workspaces, soonest first: the queue's own
 * worker is the one reader that is not a workspace's, and it acts on each
 * job only through that job's workspace scope.
 */
export function dueOutboundJobs(store: Store, now: number, limit: number): OutboundJob[] {
  const jobs = store
    .statement(
      `SELECT ${COLUMNS} FROM outbound_jobs INDEXED BY outbound_jobs_due
       WHERE state = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
    )
    .all(now, limit) as OutboundJob[];
  return openJobs(store, jobs);
}

/** When the next queued job is due, or null when none is queued. */
export function nextOutboundDue(store: Store): number | null {
  return (
    (store
      .statement(
        `SELECT min(next_attempt_at) FROM outbound_jobs INDEXED BY outbound_jobs_due
         WHERE state = 'queued'`,
      )
      .pluck()
      .get() as number | null) ?? null
  );
}

/** How many sends wait for an attempt, across workspaces (for `/metrics`). */
export function queuedOutboundCount(store: Store): number {
  return store
    .statement(
      `SELECT count(*) FROM outbound_jobs INDEXED BY outbound_jobs_due WHERE state = 'queued'`,
    )
    .pluck()
    .get() as number;
}
