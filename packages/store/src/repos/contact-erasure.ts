import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import { ContactCipher } from '../contact-seal.ts';
import { numberAad } from './contacts.ts';
import { numbersQuoted } from './error-seal.ts';
import { normalisedWaId } from '../contact-vault.ts';

/** What an erasure removed, by kind; counts only, never content. */
export interface ErasureCounts {
  conversations: number;
  messages: number;
  statuses: number;
  webhookEvents: number;
  errors: number;
}

/** A contact about to be erased: its number and the media objects it left. */
export interface ErasureTarget {
  contactId: string;
  /** `SHREDDED_TEXT` when its key is already gone (a restored old row). */
  waId: string;
  /** The number's keyed hash (`contacts.wa_hash`), null without a vault. */
  numberHash: string | null;
  /** Sealed media objects of its messages, in the media tier. */
  mediaKeys: string[];
}

/**
 * Removes every row that holds a contact's personal data (issue 8). The
 * caller runs it in one transaction with the audit entry, then removes the
 * media objects; the database runs with `secure_delete`, so freed pages are
 * zeroed, and the message search index (its own file, `SearchIndex`)
 * drops each message's row as the row goes, with FTS5 `secure-delete`.
 */
export class ContactErasureRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /** The contact and its media object keys; undefined when not in this workspace. */
  target(contactId: string): ErasureTarget | undefined {
    const ws = this.scope.workspaceId;
    const stored = this.store
      .statement(
        'SELECT wa_id AS waId, wa_hash AS waHash FROM contacts WHERE workspace_id = ? AND id = ?',
      )
      .get(ws, contactId) as { waId: string; waHash: string | null } | undefined;
    if (stored === undefined) return undefined;
    // The number is sealed (migration 058) and opened while the key exists;
    // the rows that name it are found by its hash, which outlives the key
    // (the ledger's re-apply on a restored old row).
    const cipher = new ContactCipher(this.store.contactKeys, ws);
    const waId = cipher.open(contactId, stored.waId, numberAad(contactId));
    const numberHash = stored.waHash ?? cipher.hashNumber(waId) ?? null;
    const mediaKeys = this.store
      .statement(
        `SELECT f.object_key FROM media f
         JOIN messages m ON m.id = f.message_id
         JOIN conversations v ON v.id = m.conversation_id
         WHERE v.workspace_id = ? AND v.contact_id = ? AND f.object_key IS NOT NULL`,
      )
      .pluck()
      .all(ws, contactId) as string[];
    return { contactId, waId, numberHash, mediaKeys };
  }

  /**
   * The contacts whose number has this keyed hash (the erasure ledger's),
   * by index (migration 058), for re-applying the ledger after a restore.
   */
  byNumberHash(numberHash: string): { contactId: string; createdAt: number }[] {
    return this.store
      .statement(
        `SELECT id AS contactId, created_at AS createdAt
           FROM contacts WHERE workspace_id = ? AND wa_hash = ?`,
      )
      .all(this.scope.workspaceId, numberHash) as {
      contactId: string;
      createdAt: number;
    }[];
  }

  /**
   * Contacts whose number is still plain (no keyed hash yet: a point from
   * before migration 058 that nothing has sealed), for a re-apply that may
   * not seal them.
   */
  plainNumbers(): { contactId: string; waId: string; createdAt: number }[] {
    return this.store
      .statement(
        `SELECT id AS contactId, wa_id AS waId, created_at AS createdAt
           FROM contacts WHERE workspace_id = ? AND wa_hash IS NULL`,
      )
      .all(this.scope.workspaceId) as {
      contactId: string;
      waId: string;
      createdAt: number;
    }[];
  }

  /**
   * Deletes the contact and all that names it. Messages go one by one
   * through their delete trigger (search entries); media rows and outbound
   * jobs follow their messages, notes and consent rows their contact.
   */
  erase(target: ErasureTarget): ErasureCounts {
    const ws = this.scope.workspaceId;
    const run = (sql: string, ...params: unknown[]) =>
      this.store.statement(sql).run(ws, ...params).changes;
    // Meta's payloads name the number as a JSON string: match it quoted, so
    // a longer number that merely contains it is left alone.
    const quoted = JSON.stringify(target.waId);

    // Values sealed under the contact's key name it by hash (migration 058).
    const hash = target.numberHash;
    const webhookEvents = run(
      `DELETE FROM webhook_events WHERE workspace_id = ?
         AND (contact_hash = ? OR instr(raw_json, ?) > 0)`,
      hash,
      quoted,
    );
    const errors =
      run(
        'DELETE FROM whatsapp_errors WHERE workspace_id = ? AND contact_hash = ?',
        hash,
      ) + this.#erasePlainErrors(target.waId);
    const statuses = run(
      `DELETE FROM message_statuses WHERE workspace_id = ?
         AND (recipient_hash = ? OR recipient_id = ?)`,
      hash,
      target.waId,
    );
    const messages = run(
      `DELETE FROM messages WHERE workspace_id = ? AND conversation_id IN
         (SELECT id FROM conversations WHERE workspace_id = ? AND contact_id = ?)`,
      ws,
      target.contactId,
    );
    const conversations = run(
      'DELETE FROM conversations WHERE workspace_id = ? AND contact_id = ?',
      target.contactId,
    );
    run(
      'UPDATE contacts SET previous_contact_id = NULL WHERE workspace_id = ? AND previous_contact_id = ?',
      target.contactId,
    );
    // An inactivity notice names the contact (no cascade): it goes too.
    run(
      'DELETE FROM retention_notices WHERE workspace_id = ? AND contact_id = ?',
      target.contactId,
    );
    if (
      run('DELETE FROM contacts WHERE workspace_id = ? AND id = ?', target.contactId) !==
      1
    ) {
      throw new Error(`Contact ${target.contactId} changed during its erasure`);
    }
    return { conversations, messages, statuses, webhookEvents, errors };
  }

  /**
   * Errors kept plain (written before migration 067, or naming several
   * contacts) that quote the number, plain or grouped (`numbersQuoted`), as
   * a whole number: a longer one merely containing it stays. Every plain
   * row is read (an instr() on the digits misses `+55 11 90000-0004`);
   * there are few.
   */
  #erasePlainErrors(waId: string): number {
    const ws = this.scope.workspaceId;
    const wanted = normalisedWaId(waId);
    const rows = this.store
      .statement(
        `SELECT id, raw_json AS rawJson FROM whatsapp_errors
           WHERE workspace_id = ? AND contact_hash IS NULL`,
      )
      .all(ws) as { id: string; rawJson: string }[];
    let erased = 0;
    for (const row of rows.filter((r) => numbersQuoted(r.rawJson).has(wanted))) {
      erased += this.store
        .statement('DELETE FROM whatsapp_errors WHERE workspace_id = ? AND id = ?')
        .run(ws, row.id).changes;
    }
    return erased;
  }
}
