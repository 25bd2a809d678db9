import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import { openForContact, sealForContact } from '../contact-seal.ts';

/** An internal note: the team's words about a contact, never sent to them. */
export interface NoteRecord {
  id: string;
  contactId: string;
  /** The conversation it was written in, if any. */
  conversationId: string | null;
  author: { userId: string; displayName: string } | null;
  body: string;
  /** Marked by its author as being about someone else: never exported. */
  aboutOther: boolean;
  createdAt: number;
}

interface NoteRow {
  id: string;
  contactId: string;
  conversationId: string | null;
  authorId: string | null;
  authorName: string | null;
  body: string;
  aboutOther: 0 | 1;
  createdAt: number;
}

export class NoteRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  add(note: {
    contactId: string;
    conversationId: string | null;
    authorId: string;
    body: string;
    aboutOther?: boolean;
  }): string {
    const id = newId();
    // Sealed with the contact's own key: erasing the contact destroys the
    // key, so the note cannot be read from any backup either.
    const key = this.store.contactKeys?.contactKey(
      this.scope.workspaceId,
      note.contactId,
      true,
    );
    const body = key ? sealForContact(key, note.body, noteAad(id)) : note.body;
    this.store
      .statement(
        `INSERT INTO notes (id, workspace_id, contact_id, conversation_id, author_id, body,
           about_other, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        note.contactId,
        note.conversationId,
        note.authorId,
        body,
        note.aboutOther ? 1 : 0,
        this.store.clock.now(),
      );
    return id;
  }

  /** A contact's notes, newest first (index `notes_by_contact`). */
  listForContact(contactId: string, limit = 100): NoteRecord[] {
    const rows = this.store
      .statement(
        `SELECT n.id, n.contact_id AS contactId, n.conversation_id AS conversationId,
           n.author_id AS authorId, u.display_name AS authorName, n.body,
           n.about_other AS aboutOther, n.created_at AS createdAt
         FROM notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.workspace_id = ? AND n.contact_id = ?
         ORDER BY n.created_at DESC LIMIT ?`,
      )
      .all(this.scope.workspaceId, contactId, limit) as NoteRow[];
    const key = this.store.contactKeys?.contactKey(
      this.scope.workspaceId,
      contactId,
      false,
    );
    return rows.map(({ authorId, authorName, aboutOther, ...row }) => ({
      ...row,
      aboutOther: aboutOther === 1,
      body: openForContact(key, row.body, noteAad(row.id)),
      author:
        authorId === null ? null : { userId: authorId, displayName: authorName ?? '' },
    }));
  }
}

const noteAad = (id: string) => `notes/${id}/body`;
