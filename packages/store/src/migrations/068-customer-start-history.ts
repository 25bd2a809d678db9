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
    const statements = prepare(db);
    for (const group of groups) reclassify(statements, group);
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

function prepare(db: Db) {
  const where = 'workspace_id = ? AND contact_id = ? AND purpose = ?';
  return {
    events: db.prepare(
      `SELECT id, state, source, number_id AS numberId, occurred_at AS occurredAt,
         recorded_at AS recordedAt, notice_version AS noticeVersion, language, kind
       FROM consent_events WHERE ${where} ORDER BY recorded_at, rowid`,
    ),
    classify: db.prepare(
      `UPDATE consent_events SET kind = ?, notice_version = ?, language = ? WHERE id = ?`,
    ),
    fromOldStart: db.prepare(
      `SELECT 1 FROM contact_consent WHERE ${where}
         AND state = 'opted_in' AND source IN ${CUSTOMER_SOURCES} AND notice_version IS NULL`,
    ),
    remove: db.prepare(`DELETE FROM contact_consent WHERE ${where}`),
    set: db.prepare(
      `UPDATE contact_consent SET state = ?, source = ?, number_id = ?, changed_at = ?,
         notice_version = ?, language = ?
       WHERE ${where}`,
    ),
  };
}

function reclassify(statements: ReturnType<typeof prepare>, group: Group): void {
  const key = [group.workspaceId, group.contactId, group.purpose];
  const events = statements.events.all(...key) as Event[];
  let current: Event | undefined;
  events.forEach((event, index) => {
    if (isOldStart(event)) {
      const given = latestNoticeBacked(events.slice(0, index), event.occurredAt);
      const lifts = given !== undefined && current?.state === 'opted_out';
      event.kind = lifts ? 'resumption' : 'request';
      event.noticeVersion = lifts ? given.noticeVersion : null;
      event.language = lifts ? given.language : null;
      statements.classify.run(event.kind, event.noticeVersion, event.language, event.id);
    }
    if (event.kind !== 'request' && (!current || moves(event, current))) current = event;
  });

  if (!statements.fromOldStart.get(...key)) return;
  if (!current) {
    statements.remove.run(...key);
    return;
  }
  statements.set.run(
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
