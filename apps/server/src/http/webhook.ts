import type { IncomingMessage, ServerResponse } from 'node:http';
import { toAppError, type Logger } from '@flowgento/core';
import { verifyHandshake } from '@flowgento/whatsapp';
import type { Services } from '../services.ts';
import { readRawBody } from './body.ts';
import { sendRaw, sendText } from './headers.ts';

const ACK = Buffer.from('EVENT_RECEIVED');

/** Meta's payloads are small; this bounds memory per request. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** GET: Meta's subscription handshake, answered only for a known verify token. */
export function handleWebhookHandshake(
  url: URL,
  res: ServerResponse,
  services: Services,
): void {
  const result = verifyHandshake(url.searchParams, (token) =>
    services.numbers.isVerifyToken(token),
  );
  if (result.ok) sendText(res, 200, result.challenge);
  else sendText(res, 403, 'Verification failed');
}

/**
 * POST: a webhook delivery. Answered 200 only after its rows are committed;
 * 401 for a bad signature and 400 for a bad payload, with nothing stored.
 */
export async function handleWebhookDelivery(
  req: IncomingMessage,
  res: ServerResponse,
  services: Services,
  logger: Logger,
  ip: string | null,
): Promise<void> {
  try {
    const raw = await readRawBody(req, WEBHOOK_BODY_LIMIT);
    const signature = req.headers['x-hub-signature-256'];
    await services.intake.receive(
      raw,
      Array.isArray(signature) ? signature[0] : signature,
    );
    sendRaw(res, 200, 'text/plain; charset=utf-8', ACK);
  } catch (error) {
    const app = toAppError(error);
    const status = app.code === 'INTERNAL' ? 500 : app.httpStatus;
    logger.warn(
      {
        reason: app.reason ?? app.code,
        status,
        ip,
        err: status >= 500 ? error : undefined,
      },
      'webhook refused',
    );
    const refusal = {
      code: app.code,
      message: app.code === 'INTERNAL' ? 'Internal error' : app.message,
    };
    sendRaw(
      res,
      status,
      'application/json; charset=utf-8',
      Buffer.from(JSON.stringify({ error: refusal })),
    );
  }
}
