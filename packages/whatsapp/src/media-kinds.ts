/**
 * The media a customer can send, and what WhatsApp allows of each. Limits
 * from Meta's "supported media types" table:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media#supported-media-types
 */
export const MEDIA_KINDS = ['image', 'audio', 'video', 'document', 'sticker'] as const;

export type MediaKind = (typeof MEDIA_KINDS)[number];

const MB = 1024 * 1024;

/** The largest file WhatsApp carries for each kind (animated stickers: 500 KB). */
export const MEDIA_SIZE_LIMITS: Readonly<Record<MediaKind, number>> = {
  image: 5 * MB,
  audio: 16 * MB,
  video: 16 * MB,
  document: 100 * MB,
  sticker: 500 * 1024,
};

export function isMediaKind(type: string): type is MediaKind {
  return (MEDIA_KINDS as readonly string[]).includes(type);
}

/** What an inbound media message says of its file, before anything is fetched. */
export interface InboundMedia {
  kind: MediaKind;
  /** Meta's media id, for `GET /{version}/{media-id}`. */
  mediaId: string;
  mimeType: string | null;
  /** As the webhook gives it (Meta has sent hex and base64); informational. */
  sha256: string | null;
  caption: string | null;
  /** Documents only: the name the customer's file had. */
  filename: string | null;
}

/**
 * Reads `message[type]` of an image, audio, video, document or sticker
 * message. A media object without an id cannot be fetched and is treated as
 * no media: the message is still stored and shown as its type.
 */
export function readInboundMedia(
  type: string,
  message: Record<string, unknown>,
): InboundMedia | null {
  if (!isMediaKind(type) || !Object.hasOwn(message, type)) return null;
  const object = message[type];
  if (typeof object !== 'object' || object === null) return null;
  const media = object as Record<string, unknown>;
  const text = (value: unknown): string | null =>
    typeof value === 'string' && value.length > 0 ? value : null;
  const mediaId = text(media['id']);
  if (mediaId === null) return null;
  return {
    kind: type,
    mediaId,
    mimeType: text(media['mime_type']),
    sha256: text(media['sha256']),
    caption: text(media['caption']),
    filename: type === 'document' ? text(media['filename']) : null,
  };
}
