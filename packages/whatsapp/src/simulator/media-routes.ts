import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@flowgento/core';
import { hasToken } from './bearer.ts';
import { replyGraphError, replyJson } from './graph-reply.ts';
import type { SimulatedMediaStore } from './media-store.ts';
import type { SimulatedNumber } from './types.ts';

const LOOKUP_ROUTE = /^\/v\d{1,3}\.\d{1,3}\/(\d{1,30})\/?$/;
const DOWNLOAD_ROUTE = /^\/media-download\/(\d{1,30})$/;

export interface MediaRouteContext {
  numbers: ReadonlyMap<string, SimulatedNumber>;
  media: SimulatedMediaStore;
  baseUrl: string;
  logger: Logger;
}

/**
 * The simulated media endpoints: `GET /{version}/{media-id}` answers the
 * file's short-lived URL and facts to the token of the number it was sent
 * to; `GET /media-download/{id}?…` serves the bytes to that same bearer
 * token while the URL is fresh. Returns false for any other request.
 */
export function handleMediaRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: MediaRouteContext,
): boolean {
  if (req.method !== 'GET') return false;
  const lookup = LOOKUP_ROUTE.exec(url.pathname)?.[1];
  const download = DOWNLOAD_ROUTE.exec(url.pathname)?.[1];
  if (lookup === undefined && download === undefined) return false;

  const refuse = (status: number, code: number, message: string, reason: string) => {
    ctx.logger.info({ reason, status }, 'simulated media request refused');
    const type = code === 190 ? 'OAuthException' : 'GraphMethodException';
    replyGraphError(res, { status, code, type, message: `${message} (simulated)` });
    return true;
  };

  const media = ctx.media.get(lookup ?? download ?? '');
  const number = media && ctx.numbers.get(media.phoneNumberId);
  if (!media || !number) {
    return refuse(404, 100, 'Media not found or expired', 'media_unknown');
  }
  if (!hasToken(req.headers.authorization, number.accessToken)) {
    return refuse(401, 190, 'The access token is invalid', 'invalid_token');
  }

  if (lookup !== undefined) {
    replyJson(res, 200, {
      messaging_product: 'whatsapp',
      url: `${ctx.baseUrl}${ctx.media.signedPath(media.id)}`,
      mime_type: media.mimeType,
      sha256: media.sha256,
      // Graph sends the size as a string of digits.
      file_size: String(media.bytes.length),
      id: media.id,
    });
    return true;
  }

  const check = ctx.media.verify(media.id, url.searchParams);
  if (check === 'bad') return refuse(403, 100, 'The URL signature is invalid', 'bad_url');
  if (check === 'expired') return refuse(404, 100, 'The URL has expired', 'url_expired');
  if (media.failuresLeft > 0) {
    media.failuresLeft -= 1;
    return refuse(503, 2, 'Service temporarily unavailable', 'injected_failure');
  }
  res.writeHead(200, {
    'content-type': media.mimeType,
    'content-length': String(media.bytes.length),
  });
  res.end(media.bytes);
  return true;
}
