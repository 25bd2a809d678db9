import type { MediaView } from '@flowgento/messaging';

/**
 * Types a browser may be told a file has. Anything else, or a type Meta
 * reported that is not here, is sent as application/octet-stream: a file
 * from a stranger must never be taken for HTML, script or SVG.
 */
const SAFE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'audio/aac',
  'audio/amr',
  'audio/mpeg',
  'audio/mp4',
  'audio/ogg',
  'video/mp4',
  'video/3gpp',
  'application/pdf',
  'text/plain',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

/** Shown in the page (img, audio, video); everything else is a download. */
const INLINE_PREFIXES = ['image/', 'audio/', 'video/'];

/** The response headers of a media file. */
export function mediaHeaders(media: MediaView): Record<string, string> {
  // `audio/ogg; codecs=opus` → `audio/ogg`
  const declared = (media.mimeType ?? '').split(';')[0]!.trim().toLowerCase();
  const type = SAFE_TYPES.has(declared) ? declared : 'application/octet-stream';
  const inline = INLINE_PREFIXES.some((prefix) => type.startsWith(prefix));
  // text/plain would otherwise be shown as a page on its own origin.
  const charset = type === 'text/plain' ? '; charset=utf-8' : '';
  return {
    'Content-Type': `${type}${charset}`,
    'Content-Length': String(media.size ?? 0),
    'Content-Disposition': `${inline ? 'inline' : 'attachment'}; ${fileNameParams(media)}`,
    'X-Content-Type-Options': 'nosniff',
    // Nothing runs in it, nothing loads from it, nothing frames it.
    'Content-Security-Policy': "default-src 'none'; sandbox; frame-ancestors 'none'",
    // Private to the signed-in member: never in a shared or browser cache.
    'Cache-Control': 'private, no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** `filename` for old browsers (ASCII only) and `filename*` with the real name. */
function fileNameParams(media: MediaView): string {
  const name = media.filename ?? `${media.kind}-${media.id}`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
