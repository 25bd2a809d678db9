import type { IncomingMessage, ServerResponse } from 'node:http';
import { actorOf } from '@flowgento/access';
import { isAppError, type Logger, type RequestOrigin } from '@flowgento/core';
import type { Services } from '../services.ts';
import { passDownloadGate } from './download-gate.ts';

/** `GET /api/requests/<id>/export`: the zip that answers an access request. */
export const REQUEST_EXPORT_PATH = /^\/api\/requests\/([0-9a-zA-Z-]{1,64})\/export$/;

const EXPORT_NAME = 'requests.export';

/**
 * Streams the export of a verified access request's contact, then closes
 * the request as fulfilled: the export is what fulfils it. The export is
 * audited before the first byte; a download cut short leaves the request
 * open, to be downloaded again.
 */
export async function handleRequestExport(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  services: Services,
  origin: RequestOrigin,
  logger: Logger,
): Promise<void> {
  const passed = passDownloadGate(
    req,
    res,
    { name: EXPORT_NAME, requires: 'requests.export' },
    services,
    origin,
    logger,
  );
  if (!passed) return;
  const { auth, refuse } = passed;
  const acting = { scope: auth.scope, actor: actorOf(auth), origin };

  let run;
  try {
    const contactId = services.requests.contactToExport(auth.scope, requestId);
    run = services.contactExports.begin(acting, contactId, {
      requestId,
      ...services.exportInputs(auth.scope),
    });
  } catch (error) {
    if (!isAppError(error) || error.code === 'INTERNAL') throw error;
    return refuse(error.httpStatus, error.code, error.message, error.reason ?? 'refused');
  }
  res.writeHead(200, {
    'Content-Type': 'application/zip',
    'Content-Disposition': `attachment; filename="${run.fileName}"`,
    'Cache-Control': 'no-store',
  });
  try {
    const counts = await run.streamTo(res);
    services.requests.fulfilledByExport(acting, requestId);
    logger.info(
      { messages: counts.messages, files: counts.files, requestId: origin.requestId },
      'contact exported',
    );
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    logger.info(
      { ip: origin.ip, requestId: origin.requestId },
      'contact export cancelled',
    );
  }
}
