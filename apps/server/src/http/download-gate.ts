import type { IncomingMessage, ServerResponse } from 'node:http';
import { roleAllows, type AuthContext, type Permission } from '@flowgento/access';
import type { Logger, RequestOrigin } from '@flowgento/core';
import type { Services } from '../services.ts';
import { readCookie, sessionCookie } from './cookies.ts';
import { sendJson, sendText } from './headers.ts';
import { fromAnotherOrigin } from './same-origin.ts';

/** Answers a refused download in the shape tRPC errors have, and logs why. */
export type Refuse = (
  status: number,
  code: string,
  message: string,
  reason: string,
) => void;

/**
 * The checks `enforce` makes for a procedure, for downloads that are plain
 * links (files, exports) so the browser can stream them: GET only, this
 * origin only, a live session, the role's permission (a refusal recorded as
 * `access.denied`), two-factor where the workspace requires it, and a
 * support person's every look written down. Returns the caller, or
 * undefined once the refusal has been sent.
 */
export function passDownloadGate(
  req: IncomingMessage,
  res: ServerResponse,
  gate: { name: string; requires: Permission },
  services: Services,
  origin: RequestOrigin,
  logger: Logger,
): { auth: AuthContext; refuse: Refuse } | undefined {
  const refuse: Refuse = (status, code, message, reason) => {
    logger.info(
      { path: gate.name, code, reason, ip: origin.ip, requestId: origin.requestId },
      'request refused',
    );
    sendJson(res, status, { error: { code, message, reason } });
  };

  if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET');
    sendText(res, 405, 'Method not allowed');
    return undefined;
  }
  if (fromAnotherOrigin(req.headers)) {
    refuse(403, 'FORBIDDEN', 'Requests from another origin are refused', 'cross_origin');
    return undefined;
  }
  const auth = services.access.sessions.resolve(readCookie(req, sessionCookie.name));
  if (!auth) {
    refuse(401, 'UNAUTHORIZED', 'Sign in first', 'sign_in_required');
    return undefined;
  }
  if (!roleAllows(auth.role, gate.requires)) {
    services.access.recordDenied(
      auth,
      { procedure: gate.name, requires: gate.requires },
      origin,
    );
    const message = `Your role (${auth.role}) does not allow ${gate.requires}`;
    refuse(403, 'FORBIDDEN', message, 'permission_denied');
    return undefined;
  }
  if (services.twoFactor.isMissingFor(auth)) {
    refuse(
      412,
      'PRECONDITION_FAILED',
      'This workspace requires two-factor sign-in for your role: set it up under Security first',
      'two_factor_required',
    );
    return undefined;
  }
  services.access.support.recordUse(auth, gate.name, origin);
  return { auth, refuse };
}
