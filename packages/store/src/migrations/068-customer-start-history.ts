import type { Db } from '../database.ts';
import type { Migration } from './index.ts';

/**
 * Before migration 063 a customer's START keyword, or WhatsApp's resume
 * (`preference_webhook`), was an opt-in like any other, with no notice, and
 * it still counted as consent. Today's rule (`ConsentRepo.resume`) is
 * applied to that history (review of issue #8):
 *
 * - each such opt-in (kind `change`, no notice) becomes a `resumption`,
 *   carrying the notice and language of the latest notice-backed opt-in
 *   before it, when the record was opted out just before it; else a
 *   `request`, which gives no consent;
 * - a record whose opt-in came from one is set to what the history now
 *   says, replayed in the order `ConsentRepo.record` applied it (by the
 *   whole second, a withdrawal winning a tie), or deleted when nothing but
 *   requests is left.
 *
 * Opt-ins by members and imports are left as they are: before notices
 * existed, a member's opt-in was that member's attestation.
 */
export const customerStartHistory: Migration = {
  version: 68,
  name: 'customer start history',
  up(db) {
    const groups = db
      .prepare(
        `SELECT DISTINCT workspace_id AS workspaceId, contact_id AS contactId, purpose
         FROM consent_events WHERE ${OLD_START}`,
      )
      .all() as Group[];
    for (const group of groups) reclassify(db, group);
  },
};

const CUSTOMER_SOURCES = `('keyword', 'preference_webhook')`;
const OLD_START = `source IN ${CUSTOMER_SOURCES} AND state = 'opted_in'
  AND kind = 'change' AND notice_version IS NULL`;

interface Group {
  workspaceId: string;
  contactId: string;
  purpose: string;
}

interface Event {
  id: string;
  state: 'opted_in' | 'opted_out';
  source: string;
  numberId: string | null;
  occurredAt: number;
  recordedAt: number;
  noticeVersion: string | null;
  language: string | null;
  kind: 'change' | 'resumption' | 'request';
}

function reclassify(db: Db, group: Group): void {
  const events = db
    .prepare(
      `SELECT id, state, source, number_id AS numberId, occurred_at AS occurredAt,
         recorded_at AS recordedAt, notice_version AS noticeVersion, language, kind
       FROM consent_events WHERE workspace_id = ? AND contact_id = ? AND purpose = ?
       ORDER BY recorded_at, rowid`,
    )
    .all(group.workspaceId, group.contactId, group.purpose) as Event[];
  const update = db.prepare(
    `UPDATE consent_events SET kind = ?, notice_version = ?, language = ? WHERE id = ?`,
  );
  let current: Event | undefined;
  events.forEach((event, index) => {
    if (isOldStart(event)) {
      const given = latestNoticeBacked(events.slice(0, index), event.occurredAt);
      const lifts = given !== undefined && current?.state === 'opted_out';
      event.kind = lifts ? 'resumption' : 'request';
      event.noticeVersion = lifts ? given.noticeVersion : null;
      event.language = lifts ? given.language : null;
      update.run(event.kind, event.noticeVersion, event.language, event.id);
    }
    if (event.kind !== 'request' && (!current || moves(event, current))) current = event;
  });

  const row = db
    .prepare(
      `SELECT 1 FROM contact_consent WHERE workspace_id = ? AND contact_id = ? AND purpose = ?
         AND state = 'opted_in' AND source IN ${CUSTOMER_SOURCES} AND notice_version IS NULL`,
    )
    .get(group.workspaceId, group.contactId, group.purpose);
  if (!row) return;
  const key = [group.workspaceId, group.contactId, group.purpose];
  if (!current) {
    db.prepare(
      `DELETE FROM contact_consent WHERE workspace_id = ? AND contact_id = ? AND purpose = ?`,
    ).run(...key);
    return;
  }
  db.prepare(
    `UPDATE contact_consent SET state = ?, source = ?, number_id = ?, changed_at = ?,
       notice_version = ?, language = ?
     WHERE workspace_id = ? AND contact_id = ? AND purpose = ?`,
  ).run(
    current.state,
    current.source,
    current.numberId,
    current.occurredAt,
    current.noticeVersion,
    current.language,
    ...key,
  );
}

function isOldStart(event: Event): boolean {
  return (
    (event.source === 'keyword' || event.source === 'preference_webhook') &&
    event.state === 'opted_in' &&
    event.kind === 'change' &&
    event.noticeVersion === null
  );
}

/** As `ConsentRepo.resume` looks it up among the events recorded before. */
function latestNoticeBacked(earlier: Event[], before: number): Event | undefined {
  return earlier
    .filter(
      (e) =>
        e.state === 'opted_in' &&
        e.noticeVersion !== null &&
        e.kind !== 'request' &&
        e.occurredAt <= before,
    )
    .reduce<Event | undefined>(
      (best, e) =>
        !best ||
        e.occurredAt > best.occurredAt ||
        (e.occurredAt === best.occurredAt && e.recordedAt >= best.recordedAt)
          ? e
          : best,
      undefined,
    );
}

/** `ConsentRepo.record`'s rule: by the whole second, a withdrawal winning a tie. */
function moves(next: Event, current: Event): boolean {
  const a = Math.floor(next.occurredAt / 1000);
  const b = Math.floor(current.occurredAt / 1000);
  if (a !== b) return a > b;
  return next.state === current.state
    ? next.occurredAt >= current.occurredAt
    : next.state === 'opted_out';
}
