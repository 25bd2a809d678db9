import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { isAppError, type Logger, type RequestOrigin } from '@flowgento/core';
import { actorOf } from '@flowgento/access';
import type { Services } from '../services.ts';
import { passDownloadGate } from './download-gate.ts';
import { mediaHeaders } from './media-headers.ts';

export const MEDIA_PATH = /^\/media\/([0-9a-f-]{36})$/;

/** How refusals name this download, in the log and in `access.denied`. */
const MEDIA_NAME = 'media.view';

/**
 * `GET /media/<id>`: one inbound file, decrypted as it streams. A plain URL
 * rather than a tRPC call so that <img>, <audio>, <video> and downloads work;
 * the checks `enforce` makes for a procedure requiring `inbox.read` are made
 * here. Another workspace's id answers 404 like a missing one.
 */
export async function handleMedia(
  req: IncomingMessage,
  res: ServerResponse,
  mediaId: string,
  services: Services,
  origin: RequestOrigin,
  logger: Logger,
): Promise<void> {
  const passed = passDownloadGate(
    req,
    res,
    { name: MEDIA_NAME, requires: 'inbox.read' },
    services,
    origin,
    logger,
  );
  if (!passed) return;
  const { auth, refuse } = passed;

  let opened;
  try {
    opened = await services.media.open(auth.scope, mediaId);
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.code === 'NOT_FOUND') {
      return refuse(404, 'NOT_FOUND', 'Media not found', 'media_not_found');
    }
    if (error.code === 'PRECONDITION_FAILED') {
      return refuse(409, 'CONFLICT', error.message, error.reason ?? 'media_unavailable');
    }
    logger.warn(
      { mediaId, reason: error.reason, requestId: origin.requestId },
      'media unreadable',
    );
    return refuse(
      502,
      'UPSTREAM_FAILED',
      'The stored file could not be read',
      'media_unreadable',
    );
  }

  const { id, label } = actorOf(auth);
  services.accessLog.recordMessage(
    auth.scope,
    { actor: { id, label }, action: 'download', via: 'media' },
    opened.messageId,
  );
  res.writeHead(200, mediaHeaders(opened.media));
  try {
    await pipeline(opened.body, res);
  } catch (error) {
    // The declared length was not reached, so no client takes the cut-short
    // body for the whole file. Tampering is worth an operator's look.
    res.destroy();
    const reason = isAppError(error) ? error.reason : (error as { code?: string }).code;
    logger.warn({ mediaId, reason, requestId: origin.requestId }, 'media stream stopped');
  }
}
