import type { IncomingMessage, ServerResponse } from 'node:http';
import { actorOf, type AuthContext } from '@flowgento/access';
import { isAppError, type Logger, type RequestOrigin } from '@flowgento/core';
import type { Services } from '../services.ts';
import { passDownloadGate, type Refuse } from './download-gate.ts';

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
    return answerFailure(error, { auth, refuse, services, origin, logger });
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

/**
 * Answers an export that could not start as what it is: not found, not
 * allowed, held back by a rule (unverified, closed, not an access request;
 * audited as `rule.refused` like a procedure's), or a failure of the
 * appliance, whose cause goes to the log and never to the browser.
 */
function answerFailure(
  error: unknown,
  on: {
    auth: AuthContext;
    refuse: Refuse;
    services: Services;
    origin: RequestOrigin;
    logger: Logger;
  },
): void {
  const app = isAppError(error) ? error : undefined;
  switch (app?.code) {
    case 'NOT_FOUND':
      return on.refuse(404, 'NOT_FOUND', app.message, app.reason ?? 'not_found');
    case 'FORBIDDEN':
      return on.refuse(403, 'FORBIDDEN', app.message, app.reason ?? 'forbidden');
    case 'RULE_REFUSED':
    case 'PRECONDITION_FAILED': {
      const rule = app.reason ?? 'export_held';
      on.services.access.recordRuleRefusal(
        on.auth,
        { procedure: EXPORT_NAME, rule },
        on.origin,
      );
      return on.refuse(412, 'PRECONDITION_FAILED', app.message, rule);
    }
    case 'CONFLICT':
      return on.refuse(409, 'CONFLICT', app.message, app.reason ?? 'conflict');
    default:
      on.logger.error(
        { err: error, path: EXPORT_NAME, requestId: on.origin.requestId },
        'contact export failed',
      );
      return on.refuse(
        500,
        'INTERNAL',
        `The export failed on the appliance; its log has the details (request ${on.origin.requestId ?? '?'})`,
        'internal',
      );
  }
}
