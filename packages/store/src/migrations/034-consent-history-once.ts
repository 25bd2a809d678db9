import type { Migration } from './index.ts';

/**
 * A consent change is kept once however often Meta delivers it (review of
 * issue #6). The history skipped only a change equal to the current state,
 * so a stop and a resume redelivered in turn were each written again. A
 * change is one contact, purpose, source, state and time; repeats already
 * stored are dropped, the first one recorded kept, and the unique index
 * lets the repository insert with ON CONFLICT DO NOTHING.
 */
export const consentHistoryOnce: Migration = {
  version: 34,
  name: 'consent history once',
  up(db) {
    db.exec(`
      DELETE FROM consent_events WHERE EXISTS (
        SELECT 1 FROM consent_events AS first
        WHERE first.workspace_id = consent_events.workspace_id
          AND first.contact_id = consent_events.contact_id
          AND first.purpose = consent_events.purpose
          AND first.source = consent_events.source
          AND first.state = consent_events.state
          AND first.occurred_at = consent_events.occurred_at
          AND (first.recorded_at < consent_events.recorded_at
            OR (first.recorded_at = consent_events.recorded_at
              AND first.rowid < consent_events.rowid)));
      CREATE UNIQUE INDEX consent_events_once
        ON consent_events (workspace_id, contact_id, purpose, source, state, occurred_at);
    `);
  },
};
