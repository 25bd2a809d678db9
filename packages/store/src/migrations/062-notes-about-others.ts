import type { Migration } from './index.ts';

/**
 * An agent can mark a note as being about someone other than the contact
 * (issue #8, part 2): such a note is withheld whole from the contact's
 * access export, whatever its text names. Existing notes are about their
 * contact, as they were written under.
 */
export const notesAboutOthers: Migration = {
  version: 62,
  name: 'notes about others',
  up(db) {
    db.exec(`
      ALTER TABLE notes ADD COLUMN about_other INTEGER NOT NULL DEFAULT 0
        CHECK (about_other IN (0, 1));
    `);
  },
};
