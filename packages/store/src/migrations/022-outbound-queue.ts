import type { Migration } from './index.ts';

/**
 * The outbound queue (issue #6). Every agent send is a pending message and
 * a job, written in one transaction; the job holds what Graph needs besides
 * the message row (`payload_json`: the text, or the template's name,
 * language and filled components). A job is tried at once, and again after
 * a backoff when Graph answered with a 5xx or a rate-limit code; it ends
 * `done` (Meta took it) or `failed` (the message row says why). The rules
 * (service window, consent) are checked again at every attempt, so a job
 * that waited past the window fails instead of going out.
 */
export const outboundQueue: Migration = {
  version: 22,
  name: 'outbound queue',
  up(db) {
    db.exec(`
      CREATE TABLE outbound_jobs (
        id TEXT PRIMARY KEY,
        workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        message_id TEXT NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('text', 'template')),
        payload_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at INTEGER NOT NULL,
        last_reason TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      -- What the queue picks up, soonest first.
      CREATE INDEX outbound_jobs_due ON outbound_jobs (next_attempt_at)
        WHERE state = 'queued';
    `);
  },
};
