import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@flowgento/core';
import { hasToken } from './bearer.ts';
import { newSimulatedMessageId, replyGraphError, replyJson } from './graph-reply.ts';
import { checkSendRequest, type AcceptedSend } from './send-request-schema.ts';
import type { SendFaults } from './send-faults.ts';
import type { SimulatedNumber } from './types.ts';

const SEND_ROUTE = /^\/v\d{1,3}\.\d{1,3}\/([^/]+)\/messages\/?$/;
const MAX_BODY_BYTES = 64 * 1024;

export interface GraphRouteContext {
  numbers: ReadonlyMap<string, SimulatedNumber>;
  logger: Logger;
  /** Failures a test asked for, answered instead of accepting a send. */
  faults: SendFaults;
  /** Called after the 200 went out, to schedule the status webhooks. */
  onAccepted(number: SimulatedNumber, waMessageId: string, send: AcceptedSend): void;
}

/** The simulated `POST /{version}/{phone-number-id}/messages`. */
export async function handleGraphRequest(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: GraphRouteContext,
): Promise<void> {
  const refuse = (
    status: number,
    code: number,
    message: string,
    reason: string,
  ): void => {
    ctx.logger.info({ reason, status }, 'simulated request refused');
    const type = code === 190 ? 'OAuthException' : 'GraphMethodException';
    replyGraphError(res, { status, code, type, message: `${message} (simulated)` });
  };

  const route = SEND_ROUTE.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  if (req.method !== 'POST' || route?.[1] === undefined) {
    return refuse(404, 100, 'Unknown path or method', 'unknown_route');
  }
  const number = ctx.numbers.get(decodeURIComponent(route[1]));
  if (number === undefined) {
    return refuse(400, 100, 'No phone number with this id exists', 'unknown_number');
  }
  if (!hasToken(req.headers.authorization, number.accessToken)) {
    return refuse(401, 190, 'The access token is invalid', 'invalid_token');
  }

  const raw = await readBody(req);
  if (raw === null) return refuse(413, 100, 'The request body is too large', 'too_large');
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return refuse(400, 100, 'Invalid parameter: body is not JSON', 'invalid_json');
  }
  const check = checkSendRequest(json);
  if (!check.ok) {
    return refuse(400, 100, `Invalid parameter ${check.issue}`, 'invalid_parameter');
  }

  const fault = ctx.faults.take(check.send.to.replace(/^\+/, ''));
  if (fault !== null) {
    ctx.logger.info({ reason: 'fault', code: fault.code }, 'simulated send failed');
    return replyGraphError(res, fault);
  }

  const waMessageId = newSimulatedMessageId();
  replyJson(res, 200, {
    messaging_product: 'whatsapp',
    contacts: [{ input: check.send.to, wa_id: check.send.to.replace(/^\+/, '') }],
    messages: [{ id: waMessageId }],
  });
  ctx.logger.info(
    { phoneNumberId: number.phoneNumberId, waMessageId, type: check.send.type },
    'simulated send accepted',
  );
  ctx.onAccepted(number, waMessageId, check.send);
}

/** The body, or null when it exceeds the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
