import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { appRouter, appErrorOf, type ApiContext } from '@flowgento/api';
import type { Logger, RequestOrigin } from '@flowgento/core';
import type { Services } from '../services.ts';
import { readCookie, sessionCookie } from './cookies.ts';

/**
 * Mutations must carry this header. A cross-site form cannot set it, and the
 * SameSite=Strict cookie is the second line against cross-site requests.
 */
export const REQUEST_HEADER = 'x-flowgento-request';

export async function handleTrpc(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  services: Services,
  origin: RequestOrigin,
  logger: Logger,
): Promise<void> {
  const token = readCookie(req, sessionCookie.name);
  const auth = services.access.sessions.resolve(token);
  const createContext = (): ApiContext => ({
    services,
    auth,
    origin,
    cookie: {
      current: token,
      set: (value, expiresAt) =>
        res.appendHeader('Set-Cookie', sessionCookie.serialize(value, expiresAt)),
      clear: () => res.appendHeader('Set-Cookie', sessionCookie.clear()),
    },
  });

  await nodeHTTPRequestHandler({
    router: appRouter,
    req,
    res,
    path: url.pathname.slice('/trpc/'.length),
    createContext,
    maxBodySize: 256 * 1024,
    onError({ error, path }) {
      const app = appErrorOf(error);
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        logger.error(
          { err: error.cause ?? error, path, requestId: origin.requestId },
          'procedure failed',
        );
      } else {
        logger.info(
          {
            path,
            code: error.code,
            reason: app?.reason ?? null,
            ip: origin.ip,
            requestId: origin.requestId,
          },
          'request refused',
        );
      }
    },
  });
}
