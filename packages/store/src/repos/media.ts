import { newId } from '@flowgento/core';
import type { Store } from '../store.ts';
import type { WorkspaceScope } from '../scope.ts';
import { ContactCipher, columnAad, isSealed, plainValueSql } from '../contact-seal.ts';

export type MediaKindName = 'image' | 'audio' | 'video' | 'document' | 'sticker';
export type MediaState = 'pending' | 'stored' | 'failed';

/** One inbound message's file: where it is in its fetch, and where it was stored. */
export interface MediaRecord {
  id: string;
  messageId: string;
  numberId: string;
  waMediaId: string;
  kind: MediaKindName;
  filename: string | null;
  state: MediaState;
  attempts: number;
  nextAttemptAt: number | null;
  failureReason: string | null;
  mimeType: string | null;
  size: number | null;
  objectKey: string | null;
  providerId: string | null;
  sealedSize: number | null;
  sealedSha256: string | null;
  keyWrapped: Buffer | null;
}

/** Where a fetched file went, written when it is safely stored. */
export interface StoredMediaWrite {
  mimeType: string;
  size: number;
  objectKey: string;
  providerId: string;
  sealedSize: number;
  sealedSha256: string;
  keyWrapped: Buffer;
}

const COLUMNS = `m.id, m.message_id AS messageId, m.number_id AS numberId,
  m.wa_media_id AS waMediaId, m.kind, m.filename, m.state, m.attempts,
  m.next_attempt_at AS nextAttemptAt, m.failure_reason AS failureReason,
  m.mime_type AS mimeType, m.size, m.object_key AS objectKey,
  m.provider_id AS providerId, m.sealed_size AS sealedSize,
  m.sealed_sha256 AS sealedSha256, m.key_wrapped AS keyWrapped`;

/** The AAD of a file key sealed under its contact's key (inside the ring's wrap). */
const fileKeyAad = (mediaId: string) => columnAad('media', mediaId, 'file_key');

/** The AAD of a customer's file name sealed under its contact's key. */
const filenameAad = (mediaId: string) => columnAad('media', mediaId, 'filename');

/** One workspace's media; every statement binds its workspace. */
export class MediaRepo {
  constructor(
    private readonly store: Store,
    private readonly scope: WorkspaceScope,
  ) {}

  /**
   * A file's own key, sealed under the key of its message's contact before
   * the key ring wraps it (issue 8): an erasure then makes the file key in
   * any snapshot useless, even for a copy a provider failed to delete. Key
   * rotation unwraps and rewraps the ring's layer only, so this inner seal
   * passes through it unopened. Without a vault the key is kept as it is.
   */
  sealFileKey(mediaId: string, keyBase64: string): string {
    const contactId = this.contactOf(mediaId);
    if (contactId === undefined) return keyBase64;
    return this.cipher().seal(contactId, keyBase64, fileKeyAad(mediaId));
  }

  /**
   * Opens what `sealFileKey` made; a key stored before it comes back as it
   * is, one whose contact was erased as `SHREDDED_TEXT`.
   */
  openFileKey(mediaId: string, stored: string): string {
    return this.cipher().open(this.contactOf(mediaId) ?? '', stored, fileKeyAad(mediaId));
  }

  private cipher(): ContactCipher {
    return new ContactCipher(this.store.contactKeys, this.scope.workspaceId);
  }

  /**
   * Opens the sealed file names of `records`; names written before sealing
   * come back as they are, those of an erased contact as `SHREDDED_TEXT`.
   */
  private opened(records: MediaRecord[]): MediaRecord[] {
    const cipher = this.cipher();
    for (const record of records) {
      if (!isSealed(record.filename)) continue;
      const contactId = this.contactOf(record.id) ?? '';
      record.filename = cipher.open(contactId, record.filename, filenameAad(record.id));
    }
    return records;
  }

  /** The contact whose message a message id belongs to. */
  private contactOfMessage(messageId: string): string | undefined {
    return this.store
      .statement(
        `SELECT v.contact_id FROM messages m
         JOIN conversations v ON v.id = m.conversation_id
         WHERE m.workspace_id = ? AND m.id = ?`,
      )
      .pluck()
      .get(this.scope.workspaceId, messageId) as string | undefined;
  }

  /** The contact whose message the file belongs to. */
  private contactOf(mediaId: string): string | undefined {
    return this.store
      .statement(
        `SELECT v.contact_id FROM media f JOIN messages m ON m.id = f.message_id
         JOIN conversations v ON v.id = m.conversation_id
         WHERE f.workspace_id = ? AND f.id = ?`,
      )
      .pluck()
      .get(this.scope.workspaceId, mediaId) as string | undefined;
  }

  /**
   * Seals the file names still in plain text (written before names were
   * sealed, or by a tool without the vault) under their contact's key. The
   * server runs it at start, before it serves. Returns how many.
   */
  sealPlainFilenames(): number {
    const cipher = this.cipher();
    const plain = this.store
      .statement(
        `SELECT f.id, f.filename, v.contact_id AS contactId FROM media f
         JOIN messages m ON m.id = f.message_id
         JOIN conversations v ON v.id = m.conversation_id
         WHERE f.workspace_id = ? AND ${plainValueSql('f.filename')}`,
      )
      .all(this.scope.workspaceId) as {
      id: string;
      filename: string;
      contactId: string;
    }[];
    const seal = this.store.statement(
      'UPDATE media SET filename = ? WHERE workspace_id = ? AND id = ? AND filename = ?',
    );
    let sealed = 0;
    for (const { id, filename, contactId } of plain) {
      const stored = cipher.seal(contactId, filename, filenameAad(id));
      if (!isSealed(stored)) return sealed;
      sealed += seal.run(stored, this.scope.workspaceId, id, filename).changes;
    }
    return sealed;
  }

  /** A file to fetch now, recorded with its message. */
  insertPending(input: {
    messageId: string;
    numberId: string;
    waMediaId: string;
    kind: MediaKindName;
    filename: string | null;
    mimeType: string | null;
  }): string {
    const id = newId();
    const now = this.store.clock.now();
    // The customer's file name is sealed like the message it came with, so
    // an old backup does not name an erased contact's files (issue 8).
    const contactId = this.contactOfMessage(input.messageId);
    const filename =
      contactId === undefined
        ? input.filename
        : this.cipher().seal(contactId, input.filename, filenameAad(id));
    this.store
      .statement(
        `INSERT INTO media (id, workspace_id, message_id, number_id, wa_media_id, kind,
           filename, mime_type, state, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        input.messageId,
        input.numberId,
        input.waMediaId,
        input.kind,
        filename,
        input.mimeType,
        now,
        now,
        now,
      );
    return id;
  }

  /**
   * A file the workspace's policy does not keep: recorded as failed with
   * `media_not_kept_by_policy` and no next attempt, so it is never fetched
   * and the inbox says why it is missing.
   */
  insertDropped(input: {
    messageId: string;
    numberId: string;
    waMediaId: string;
    kind: MediaKindName;
  }): string {
    const id = newId();
    const now = this.store.clock.now();
    this.store
      .statement(
        `INSERT INTO media (id, workspace_id, message_id, number_id, wa_media_id, kind,
           state, failure_reason, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'failed', 'media_not_kept_by_policy', ?, ?)`,
      )
      .run(
        id,
        this.scope.workspaceId,
        input.messageId,
        input.numberId,
        input.waMediaId,
        input.kind,
        now,
        now,
      );
    return id;
  }

  get(id: string): MediaRecord | undefined {
    const record = this.store
      .statement(`SELECT ${COLUMNS} FROM media m WHERE m.workspace_id = ? AND m.id = ?`)
      .get(this.scope.workspaceId, id) as MediaRecord | undefined;
    return record && this.opened([record])[0];
  }

  /** The files of a conversation's messages. */
  listForConversation(conversationId: string): MediaRecord[] {
    const records = this.store
      .statement(
        `SELECT ${COLUMNS} FROM media m JOIN messages g ON g.id = m.message_id
         WHERE m.workspace_id = ? AND g.workspace_id = ? AND g.conversation_id = ?`,
      )
      .all(
        this.scope.workspaceId,
        this.scope.workspaceId,
        conversationId,
      ) as MediaRecord[];
    return this.opened(records);
  }

  /** The files of the given messages (a page of an export). */
  listForMessages(messageIds: readonly string[]): MediaRecord[] {
    if (messageIds.length === 0) return [];
    const records = this.store
      .statement(
        `SELECT ${COLUMNS} FROM media m WHERE m.workspace_id = ?
           AND m.message_id IN (SELECT value FROM json_each(?))`,
      )
      .all(this.scope.workspaceId, JSON.stringify(messageIds)) as MediaRecord[];
    return this.opened(records);
  }

  /** Only a pending file becomes stored; false when it no longer was pending. */
  markStored(id: string, write: StoredMediaWrite): boolean {
    return this.update(
      `state = 'stored', mime_type = ?, size = ?, object_key = ?, provider_id = ?,
       sealed_size = ?, sealed_sha256 = ?, key_wrapped = ?, next_attempt_at = NULL,
       failure_reason = NULL, attempts = attempts + 1`,
      id,
      write.mimeType,
      write.size,
      write.objectKey,
      write.providerId,
      write.sealedSize,
      write.sealedSha256,
      write.keyWrapped,
    );
  }

  /** A failed attempt that will be tried again at `nextAttemptAt`. */
  markRetry(id: string, nextAttemptAt: number, reason: string): boolean {
    return this.update(
      `attempts = attempts + 1, next_attempt_at = ?, failure_reason = ?`,
      id,
      nextAttemptAt,
      reason,
    );
  }

  /** Gives up on the file, for good, with the reason the agent is shown. */
  markFailed(id: string, reason: string): boolean {
    return this.update(
      `state = 'failed', attempts = attempts + 1, next_attempt_at = NULL,
       failure_reason = ?`,
      id,
      reason,
    );
  }

  private update(set: string, id: string, ...values: unknown[]): boolean {
    const result = this.store
      .statement(
        `UPDATE media SET ${set}, updated_at = ?
         WHERE workspace_id = ? AND id = ? AND state = 'pending'`,
      )
      .run(...values, this.store.clock.now(), this.scope.workspaceId, id);
    return result.changes === 1;
  }
}

/**
 * The fetcher's queue across workspaces, read at start to resume: ids and
 * times only, never a file's name or content. The files themselves are read
 * through the workspace's scope.
 */
export class MediaQueue {
  constructor(private readonly store: Store) {}

  pending(
    limit = 1000,
  ): { workspaceId: string; mediaId: string; nextAttemptAt: number }[] {
    return this.store
      .statement(
        `SELECT workspace_id AS workspaceId, id AS mediaId,
           coalesce(next_attempt_at, 0) AS nextAttemptAt
         FROM media WHERE state = 'pending' ORDER BY next_attempt_at LIMIT ?`,
      )
      .all(limit) as { workspaceId: string; mediaId: string; nextAttemptAt: number }[];
  }
}
