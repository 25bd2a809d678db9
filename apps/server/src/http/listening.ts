import type { Server } from 'node:https';
import {
  Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { AppError } from '@flowgento/core';

/**
 * Listens on `host:port`; a port in use or refused becomes a configuration
 * error that names the variable to change (`variable`, or the main or
 * redirect port's).
 */
export function listen(
  server: Server | HttpServer,
  port: number,
  host: string,
  variable?: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') return reject(error);
      const which =
        variable ??
        (server instanceof HttpServer
          ? 'FLOWGENTO_HTTP_PORT (or off)'
          : 'FLOWGENTO_PORT');
      reject(
        new AppError(
          'CONFIG_INVALID',
          `Cannot listen on ${host}:${port} (${error.code}); choose another port with ${which}`,
          {
            cause: error,
          },
        ),
      );
    });
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** 503 with Retry-After while the appliance starts (Meta retries, so do browsers on reload). */
export function answerStarting(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  res.writeHead(503, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Retry-After': '1',
    'Cache-Control': 'no-store',
  });
  res.end('The appliance is starting');
}

export function closeServer(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
