import type { Migration } from './index.ts';

/**
 * A profile name corrected at the person's request (issue #8, rectification)
 * must stick: without a mark, the next inbound message's WhatsApp profile
 * name overwrote it. The time of the correction is kept, never the old
 * value; null means the name is WhatsApp's, as every existing one is.
 */
export const correctedProfileName: Migration = {
  version: 65,
  name: 'corrected profile name',
  up(db) {
    db.exec(`ALTER TABLE contacts ADD COLUMN profile_name_corrected_at INTEGER;`);
  },
};
