import type { Message } from '../format.ts';

type Media = NonNullable<Message['media']>;

/** What an agent reads when a file could not be fetched, by the appliance's reason. */
const FAILURES: Record<string, string> = {
  media_not_found: 'WhatsApp no longer has this file',
  media_too_large: 'The file is larger than WhatsApp allows',
  media_size_mismatch: 'The file arrived incomplete or altered',
  media_checksum_mismatch: 'The file arrived altered and was not kept',
  media_url_refused: 'WhatsApp sent an address the appliance does not trust',
};

/** "1.4 MB" */
export function fileSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * A message's file, loaded from the appliance (never from Meta): images
 * inline, audio and video with players, documents and stickers as a
 * download link. The URL needs the session cookie, so it works only here.
 */
export function MessageMedia({ media }: { media: Media }) {
  if (media.state === 'pending') {
    return (
      <p className="media-state small" data-testid="media-pending">
        Fetching the {media.kind}…
      </p>
    );
  }
  if (media.failureReason === 'removed_by_retention') {
    return (
      <p className="media-state small muted" data-testid="media-removed">
        The {media.kind} was removed by the workspace's retention rule.
      </p>
    );
  }
  if (media.state === 'failed' && media.failureReason === 'media_not_kept_by_policy') {
    return (
      <p className="media-state small" data-testid="media-not-kept">
        The {media.kind} was not kept by this workspace&apos;s policy.
      </p>
    );
  }
  if (media.state === 'failed') {
    const why = FAILURES[media.failureReason ?? ''] ?? 'WhatsApp did not deliver it';
    return (
      <p className="media-state error small" data-testid="media-failed" role="alert">
        The {media.kind} could not be fetched: {why}
      </p>
    );
  }

  const url = `/media/${media.id}`;
  switch (media.kind) {
    case 'image':
      return (
        <img
          className="media-image"
          src={url}
          alt="Image from the customer"
          data-testid="media-image"
        />
      );
    case 'audio':
      return (
        <audio
          className="media-player"
          src={url}
          controls
          preload="metadata"
          data-testid="media-audio"
        />
      );
    case 'video':
      return (
        <video
          className="media-player"
          src={url}
          controls
          preload="metadata"
          data-testid="media-video"
        />
      );
    case 'document':
    case 'sticker':
      return (
        <a
          className="media-download"
          href={url}
          download={media.filename ?? ''}
          data-testid="media-download"
        >
          {media.filename ?? `${media.kind} file`}
          <span className="small"> · {fileSize(media.size)}</span>
        </a>
      );
  }
}
