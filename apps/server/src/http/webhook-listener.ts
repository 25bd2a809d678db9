import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { Logger } from '@flowgento/core';
import type { TlsMaterial } from '@flowgento/crypto';
import type { Services } from '../services.ts';
import { clientAddress, trustedProxySet } from './client-address.ts';
import { sendText } from './headers.ts';
import { TLS_SERVER_OPTIONS } from './tls-options.ts';
import { handleWebhookDelivery, handleWebhookHandshake } from './webhook.ts';

export const WEBHOOK_PATH = '/webhooks/whatsapp';

/**
 * Meta retries a delivery that is not answered in time, so a slow client
 * gets little: headers within 10 s, the whole request within 20 s, and an
 * idle keep-alive connection is dropped after 5 s. Headers are capped at
 * 16 KiB; the body's 1 MiB cap is the webhook handler's own.
 */
const LIMITS = {
  headersTimeout: 10_000,
  requestTimeout: 20_000,
  keepAliveTimeout: 5_000,
  maxHeaderSize: 16 * 1024,
} as const;

export interface WebhookRouteDeps {
  services: Services;
  logger: Logger;
  trustedProxies: readonly string[];
}

/**
 * The server a reverse proxy or tunnel publishes, without its handler yet
 * (it listens before the services exist, so the simulator knows its URL).
 * Given TLS material it is HTTPS with the appliance's own certificate;
 * otherwise plain HTTP, which the configuration allows on loopback only.
 */
export function createWebhookListener(tls: TlsMaterial | null) {
  if (!tls) return createHttpServer(LIMITS);
  return createHttpsServer({
    key: tls.serverKeyPem,
    cert: tls.serverCertPem,
    ...TLS_SERVER_OPTIONS,
    ...LIMITS,
  });
}

/**
 * Meta's handshake (GET) and signed deliveries (POST) on
 * `/webhooks/whatsapp`, and nothing else. Every other path is 404, so no UI,
 * API, metrics or CA download can be reached through the published port, and
 * the answer names nothing of what else the appliance serves.
 */
export function webhookOnlyHandler(options: WebhookRouteDeps) {
  const { services, logger } = options;
  const trustedProxies = trustedProxySet(options.trustedProxies);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://webhook.invalid');
    const method = req.method ?? 'GET';
    if (url.pathname !== WEBHOOK_PATH) {
      // A published port draws scanners: noted for an operator who looks,
      // without filling the log at the default level.
      logger.debug(
        { reason: 'not_webhook_path', method, ip: req.socket.remoteAddress },
        'webhook listener refused a request',
      );
      req.resume();
      return sendText(res, 404, 'Not found');
    }
    if (method === 'GET') return handleWebhookHandshake(url, res, services);
    if (method !== 'POST') {
      req.resume();
      res.setHeader('Allow', 'GET, POST');
      return sendText(res, 405, 'Method not allowed');
    }
    const ip = clientAddress(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      trustedProxies,
    );
    handleWebhookDelivery(req, res, services, logger, ip).catch((error: unknown) => {
      logger.error({ err: error, path: WEBHOOK_PATH }, 'request failed');
      if (!res.headersSent) sendText(res, 500, 'Internal error');
      else res.destroy();
    });
  };
}
