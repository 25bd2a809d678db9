import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@flowgento/core';
import type { Services } from '../services.ts';
import { clientAddress, trustedProxySet } from './client-address.ts';
import { applySecurityHeaders, sendJson, sendText } from './headers.ts';
import { serveStatic } from './static.ts';
import { handleTrpc, REQUEST_HEADER } from './trpc.ts';
import { fromAnotherOrigin } from './same-origin.ts';
import { handleWebhookDelivery, handleWebhookHandshake } from './webhook.ts';
import { AUDIT_EXPORT_PATH, handleAuditExport } from './audit-export.ts';
import { handleMedia, MEDIA_PATH } from './media.ts';
import { handleRequestExport, REQUEST_EXPORT_PATH } from './contact-export.ts';
import { handleMetrics, METRICS_PATH } from './metrics.ts';
import { WEBHOOK_PATH } from './webhook-listener.ts';
import {
  contactIsPlaceholder,
  DISCLOSURE_PATH,
  DISCLOSURE_WARNING,
  disclosureExpiry,
  LEGACY_SECURITY_TXT_PATH,
  SECURITY_TXT_PATH,
  sendDisclosure,
} from './disclosure.ts';
import type { ApplianceConfig } from '../config.ts';

export interface RouteDeps {
  services: Services;
  logger: Logger;
  caCertPem: string;
  webRoot: string;
  /** Proxies whose X-Forwarded-For names the client (config `trustedProxies`). */
  trustedProxies: readonly string[];
  /** False when only the webhook's own listener takes Meta's calls. */
  webhookOnMain: boolean;
  /** What security.txt and the disclosure page say (config `disclosure`). */
  disclosure: ApplianceConfig['disclosure'];
  /** The appliance's https address when configured (`agentUrl`), for Policy and Canonical. */
  baseUrl: string | null;
  now: () => number;
}

/** The appliance's one HTTPS request handler. */
export function createRequestHandler(deps: RouteDeps) {
  const { services, logger } = deps;
  const trustedProxies = trustedProxySet(deps.trustedProxies);
  const expiresAt = disclosureExpiry(deps.disclosure.expiresDays, deps.now());
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'https://appliance.invalid');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const ip = clientAddress(
      req.socket.remoteAddress,
      req.headers['x-forwarded-for'],
      trustedProxies,
    );
    const webhook = deps.webhookOnMain && path === WEBHOOK_PATH;
    // The webhook path writes the same headers in one call (see sendRaw).
    if (!webhook || method !== 'POST') applySecurityHeaders(res);
    // Ours, never the client's: audit entries and log lines name it, and the
    // reply carries it so a user reporting a problem can quote it. Meta's
    // deliveries (the hot path) write no audit entry and go without.
    const requestId = webhook ? null : randomBytes(8).toString('hex');
    if (requestId) res.setHeader('X-Request-Id', requestId);
    const origin = { ip, userAgent: headerText(req.headers['user-agent']), requestId };

    const run = async (): Promise<void> => {
      if (webhook) {
        if (method === 'POST')
          return handleWebhookDelivery(req, res, services, logger, ip);
        if (method === 'GET') return handleWebhookHandshake(url, res, services);
        return sendText(res, 405, 'Method not allowed');
      }
      if (path === WEBHOOK_PATH) return sendText(res, 404, 'Not found');
      if (path === '/healthz') {
        // Still serving, but something an admin must set: named, never hidden.
        const warnings = contactIsPlaceholder(deps.disclosure)
          ? [DISCLOSURE_WARNING]
          : [];
        return sendJson(res, 200, {
          status: 'ok',
          simulator: services.info.simulator,
          ...(warnings.length > 0 && { warnings }),
        });
      }
      if (path.startsWith('/trpc/')) {
        // No CORS: a preflight (OPTIONS) is refused like any other method, so
        // no other origin is ever told it may call the API.
        if (method !== 'GET' && method !== 'POST') {
          res.setHeader('Allow', 'GET, POST');
          return sendText(res, 405, 'Method not allowed');
        }
        if (fromAnotherOrigin(req.headers)) {
          logger.info({ reason: 'cross_origin', ip, requestId }, 'request refused');
          return sendJson(res, 403, {
            error: {
              code: 'FORBIDDEN',
              message: 'Requests from another origin are refused',
            },
          });
        }
        if (method === 'POST' && req.headers[REQUEST_HEADER] !== '1') {
          logger.info(
            { reason: 'csrf_header_missing', ip, requestId },
            'request refused',
          );
          return sendJson(res, 403, {
            error: { code: 'FORBIDDEN', message: 'Missing request header' },
          });
        }
        return handleTrpc(req, res, url, services, origin, logger);
      }
      if (path === AUDIT_EXPORT_PATH) {
        return handleAuditExport(req, res, url, services, origin, logger);
      }
      const exportOf = REQUEST_EXPORT_PATH.exec(path)?.[1];
      if (exportOf !== undefined) {
        return handleRequestExport(req, res, exportOf, services, origin, logger);
      }
      const mediaId = MEDIA_PATH.exec(path)?.[1];
      if (mediaId !== undefined) {
        return handleMedia(req, res, mediaId, services, origin, logger);
      }
      if (path === METRICS_PATH) {
        return handleMetrics(req, res, method, services, origin, logger);
      }
      if (path === '/ca.crt') {
        res.writeHead(200, {
          'Content-Type': 'application/x-x509-ca-cert',
          'Content-Disposition': 'attachment; filename="flowgento-appliance-ca.crt"',
        });
        res.end(deps.caCertPem);
        return;
      }
      if (method !== 'GET' && method !== 'HEAD')
        return sendText(res, 405, 'Method not allowed');
      if (path === SECURITY_TXT_PATH || path === DISCLOSURE_PATH) {
        const expires = expiresAt(deps.now());
        return sendDisclosure(res, path, deps.disclosure, expires, deps.baseUrl);
      }
      if (path === LEGACY_SECURITY_TXT_PATH) {
        res.writeHead(301, { Location: SECURITY_TXT_PATH, 'Content-Length': 0 });
        res.end();
        return;
      }
      return serveStatic(deps.webRoot, path, res);
    };

    run().catch((error: unknown) => {
      logger.error({ err: error, path, requestId }, 'request failed');
      if (!res.headersSent)
        sendJson(res, 500, { error: { code: 'INTERNAL', message: 'Internal error' } });
      else res.destroy();
    });
  };
}

function headerText(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
