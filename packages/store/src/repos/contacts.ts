import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import type { Contact } from '../types.ts';
import { ContactCipher, columnAad } from '../contact-seal.ts';

const nameAad = (id: string) => columnAad('contacts', id, 'profile_name');
/** The AAD a contact's sealed number is bound to. */
export const numberAad = (id: string) => columnAad('contacts', id, 'wa_id');

/**
 * Finds a contact by number: its keyed hash (migration 058), or, for a row
 * written without a vault and not yet sealed, its plain number. Parameters:
 * workspace, hash (null without a vault), number.
 */
const BY_NUMBER = 'workspace_id = ? AND (wa_hash = ? OR (wa_hash IS NULL AND wa_id = ?))';

export const CONTACT_COLUMNS = `c.id, c.wa_id AS waId, c.profile_name AS profileName,
  c.opted_out_at AS optedOutAt, c.opt_out_source AS optOutSource,
  c.profile_name_corrected_at AS profileNameCorrectedAt`;

export class ContactRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  private cipher(): ContactCipher {
    return new ContactCipher(this.store.contactKeys, this.scope.workspaceId);
  }

  /** Opens the sealed numbers and profile names of contacts read from the database. */
  private opened<T extends { id: string; waId: string; profileName: string | null }>(
    rows: T[],
  ): T[] {
    const cipher = this.cipher();
    return rows.map((row) => ({
      ...row,
      waId: cipher.open(row.id, row.waId, numberAad(row.id)),
      profileName: cipher.open(row.id, row.profileName, nameAad(row.id)),
    }));
  }

  private one(row: Contact | undefined): Contact | undefined {
    return row && this.opened([row])[0];
  }

  /**
   * The contact's id, creating it or refreshing its profile name. Number and
   * name are sealed with the contact's own key (issue 8); the contact is
   * found by the number's keyed hash (`wa_hash`).
   */
  upsert(waId: string, profileName: string | null): string {
    const cipher = this.cipher();
    const hash = cipher.hashNumber(waId) ?? null;
    const known = this.store
      .statement(
        `SELECT id, profile_name AS profileName,
           profile_name_corrected_at AS correctedAt FROM contacts WHERE ${BY_NUMBER}`,
      )
      .get(this.scope.workspaceId, hash, waId) as
      { id: string; profileName: string | null; correctedAt: number | null } | undefined;
    // Most messages come from known contacts: write only when something changed.
    // A name corrected at the person's request wins over WhatsApp's.
    if (known) {
      const current = cipher.open(known.id, known.profileName, nameAad(known.id));
      if (known.correctedAt === null && profileName !== null && profileName !== current) {
        this.store
          .statement(
            `UPDATE contacts SET profile_name = ?, updated_at = ?
             WHERE workspace_id = ? AND id = ?`,
          )
          .run(
            cipher.seal(known.id, profileName, nameAad(known.id)),
            this.store.clock.now(),
            this.scope.workspaceId,
            known.id,
          );
      }
      return known.id;
    }
    const id = newId();
    const now = this.store.clock.now();
    this.store
      .statement(
        `INSERT INTO contacts (id, workspace_id, wa_id, wa_hash, profile_name, created_at,
           updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        cipher.seal(id, waId, numberAad(id)),
        hash,
        cipher.seal(id, profileName, nameAad(id)),
        now,
        now,
      );
    return id;
  }

  /**
   * Links the contact of a customer's new number to the one they moved from
   * (a `user_changed_number` event). Either may have written first.
   */
  linkPreviousNumber(id: string, previousContactId: string): void {
    if (id === previousContactId) return;
    this.store
      .statement(
        `UPDATE contacts SET previous_contact_id = ?
         WHERE workspace_id = ? AND id = ? AND previous_contact_id IS NOT ?`,
      )
      .run(previousContactId, this.scope.workspaceId, id, previousContactId);
  }

  /** The contact a customer wrote from before changing number, if any. */
  previousOf(id: string): Contact | undefined {
    return this.one(
      this.store
        .statement(
          `SELECT ${CONTACT_COLUMNS} FROM contacts c JOIN contacts n
           ON n.previous_contact_id = c.id AND n.workspace_id = c.workspace_id
         WHERE n.workspace_id = ? AND n.id = ?`,
        )
        .get(this.scope.workspaceId, id) as Contact | undefined,
    );
  }

  /** Every contact of the workspace (resolving pseudonyms for breach notices). */
  all(): Contact[] {
    return this.opened(
      this.store
        .statement(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.workspace_id = ?`)
        .all(this.scope.workspaceId) as Contact[],
    );
  }

  /** The contact with this WhatsApp number, if they ever wrote. */
  byWaId(waId: string): Contact | undefined {
    const hash = this.cipher().hashNumber(waId) ?? null;
    return this.one(
      this.store
        .statement(`SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE ${BY_NUMBER}`)
        .get(this.scope.workspaceId, hash, waId) as Contact | undefined,
    );
  }

  get(id: string): Contact | undefined {
    return this.one(
      this.store
        .statement(
          `SELECT ${CONTACT_COLUMNS} FROM contacts c WHERE c.workspace_id = ? AND c.id = ?`,
        )
        .get(this.scope.workspaceId, id) as Contact | undefined,
    );
  }

  /**
   * When the contact first and last wrote: the earliest message of their
   * conversations (index `messages_by_conversation`) and the latest inbound.
   */
  seen(id: string): { firstSeenAt: number | null; lastSeenAt: number | null } {
    return this.store
      .statement(
        `SELECT min((SELECT min(m.occurred_at) FROM messages m
                     WHERE m.conversation_id = v.id)) AS firstSeenAt,
           max(v.last_inbound_at) AS lastSeenAt
         FROM conversations v WHERE v.workspace_id = ? AND v.contact_id = ?`,
      )
      .get(this.scope.workspaceId, id) as {
      firstSeenAt: number | null;
      lastSeenAt: number | null;
    };
  }

  setOptOut(id: string, optedOutAt: number | null, source: string | null): boolean {
    return (
      this.store
        .statement(
          `UPDATE contacts SET opted_out_at = ?, opt_out_source = ?, updated_at = ?
           WHERE workspace_id = ? AND id = ?`,
        )
        .run(optedOutAt, source, this.store.clock.now(), this.scope.workspaceId, id)
        .changes === 1
    );
  }

  /**
   * A correction of the profile name: the old value is overwritten in place,
   * not kept beside the new one, and marked corrected so that WhatsApp's
   * profile name on the next message does not undo it. False when the
   * contact is not here.
   */
  correctProfileName(id: string, profileName: string | null): boolean {
    const now = this.store.clock.now();
    return (
      this.store
        .statement(
          `UPDATE contacts SET profile_name = ?, profile_name_corrected_at = ?,
             updated_at = ?
           WHERE workspace_id = ? AND id = ?`,
        )
        .run(
          this.cipher().seal(id, profileName, nameAad(id)),
          now,
          now,
          this.scope.workspaceId,
          id,
        ).changes === 1
    );
  }

  /** Every contact's number and profile name, to spot them in free text. */
  identifiers(): { id: string; waId: string; profileName: string | null }[] {
    return this.opened(
      this.store
        .statement(
          `SELECT id, wa_id AS waId, profile_name AS profileName FROM contacts
         WHERE workspace_id = ?`,
        )
        .all(this.scope.workspaceId) as {
        id: string;
        waId: string;
        profileName: string | null;
      }[],
    );
  }

  /**
   * Seals the numbers still in plain text (rows from before migration 058,
   * or written by a tool without the vault: the inbox bench's builder) and
   * gives them their hash. The server runs it at start, before it serves.
   * A row whose hash another contact already has (the same number written
   * two ways by an old tool) stays as it is, still found by its number.
   * Returns how many were sealed.
   */
  sealPlainNumbers(): number {
    const cipher = this.cipher();
    const plain = this.store
      .statement(
        `SELECT id, wa_id AS waId FROM contacts
         WHERE workspace_id = ? AND wa_hash IS NULL`,
      )
      .all(this.scope.workspaceId) as { id: string; waId: string }[];
    const taken = this.store.statement(
      'SELECT 1 FROM contacts WHERE workspace_id = ? AND wa_hash = ?',
    );
    const seal = this.store.statement(
      `UPDATE contacts SET wa_id = ?, wa_hash = ?
       WHERE workspace_id = ? AND id = ? AND wa_hash IS NULL`,
    );
    let sealed = 0;
    for (const { id, waId } of plain) {
      const hash = cipher.hashNumber(waId);
      if (hash === undefined) return sealed;
      if (taken.get(this.scope.workspaceId, hash) !== undefined) continue;
      sealed += seal.run(
        cipher.seal(id, waId, numberAad(id)),
        hash,
        this.scope.workspaceId,
        id,
      ).changes;
    }
    return sealed;
  }
}
