import { pipeline, type Readable } from 'node:stream';
import { decryptStream } from '@flowgento/crypto';
import { AppError } from '@flowgento/core';
import type { TierStore } from '@flowgento/storage';
import {
  SHREDDED_TEXT,
  type MediaRecord,
  type Store,
  type WorkspaceScope,
} from '@flowgento/store';
import { mediaAad } from './media-aad.ts';
import type { SecretBox } from './secret-box.ts';

/** What the inbox shows of a message's file: never its key or where it lives. */
export interface MediaView {
  id: string;
  kind: MediaRecord['kind'];
  state: MediaRecord['state'];
  mimeType: string | null;
  size: number | null;
  filename: string | null;
  /** A stable code, shown to the agent in words, when the file could not be fetched. */
  failureReason: string | null;
}

/** An opened file: its facts and its plaintext, verified chunk by chunk. */
export interface OpenedMedia {
  /** The message it came with (whose contact the access log names). */
  messageId: string;
  media: MediaView;
  /** Fails mid-way on tampering; only a cleanly ended stream is the whole file. */
  body: Readable;
}

/** Reads stored media back for the members of its workspace. */
export class MediaService {
  constructor(
    private readonly store: Store,
    private readonly tiers: TierStore,
    private readonly secrets: SecretBox,
  ) {}

  /**
   * Opens a stored file for streaming. Another workspace's id is not found,
   * exactly like a missing one; a file still fetching or failed says so.
   */
  async open(scope: WorkspaceScope, mediaId: string): Promise<OpenedMedia> {
    const record = this.store.in(scope).media.get(mediaId);
    if (!record) {
      throw new AppError('NOT_FOUND', 'Media not found', { reason: 'media_not_found' });
    }
    if (record.state !== 'stored') {
      throw new AppError('PRECONDITION_FAILED', 'The file is not available', {
        reason: record.state === 'pending' ? 'media_pending' : 'media_failed',
      });
    }
    const { objectKey, keyWrapped, sealedSize, sealedSha256 } = record;
    // Two layers: the key ring's wrap, then the contact's seal (issue 8).
    const fileKey = this.store
      .in(scope)
      .media.openFileKey(
        record.id,
        this.secrets.unwrapText(keyWrapped!, mediaAad.key(record.id)),
      );
    if (fileKey === SHREDDED_TEXT) {
      throw new AppError('NOT_FOUND', 'Media not found', { reason: 'media_not_found' });
    }
    const key = Buffer.from(fileKey, 'base64');
    const sealed = await this.tiers.get(scope, 'media-hot', objectKey!, {
      size: sealedSize!,
      sha256: sealedSha256!,
    });
    const aad = mediaAad.object(scope.workspaceId, record.id);
    const body = pipeline(sealed, decryptStream(key, { aad }), () => key.fill(0));
    return { media: viewOf(record), messageId: record.messageId, body };
  }
}

/** The files of a conversation's messages, by message id. */
export function mediaViewsFor(
  store: Store,
  scope: WorkspaceScope,
  conversationId: string,
): Map<string, MediaView> {
  const records = store.in(scope).media.listForConversation(conversationId);
  return new Map(records.map((record) => [record.messageId, viewOf(record)]));
}

function viewOf(record: MediaRecord): MediaView {
  return {
    id: record.id,
    kind: record.kind,
    state: record.state,
    mimeType: record.mimeType,
    size: record.size,
    filename: record.filename,
    failureReason: record.state === 'failed' ? record.failureReason : null,
  };
}
