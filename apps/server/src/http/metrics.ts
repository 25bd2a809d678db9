import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, RequestOrigin } from '@flowgento/core';
import type { Services } from '../services.ts';
import { sendJson, sendText } from './headers.ts';

export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics`: the appliance's metrics in the Prometheus text format, for
 * a scraper holding a bearer token the operator made
 * (`flowgento metrics token`). Anyone else on the LAN gets 401 and nothing
 * else: the page names providers and how busy they are.
 */
export function handleMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  services: Services,
  origin: RequestOrigin,
  logger: Logger,
): void {
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, 'Method not allowed');
  }
  const presented = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '')?.[1];
  const token = services.metricsTokens.verify(presented);
  if (!token) {
    logger.info(
      {
        path: METRICS_PATH,
        reason: presented ? 'metrics_token_unknown' : 'metrics_token_missing',
        ip: origin.ip,
        requestId: origin.requestId,
      },
      'request refused',
    );
    res.setHeader('WWW-Authenticate', 'Bearer realm="flowgento-metrics"');
    return sendJson(res, 401, {
      error: {
        code: 'UNAUTHENTICATED',
        message: 'A metrics token is required (flowgento metrics token)',
        reason: 'metrics_token_required',
      },
    });
  }
  const body = services.metrics.text();
  res.writeHead(200, {
    'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(method === 'HEAD' ? undefined : body);
}
