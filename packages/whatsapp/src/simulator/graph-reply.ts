import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Every simulated id says so: `wamid.SIM…` can never be mistaken for Meta's. */
export function newSimulatedMessageId(): string {
  return `wamid.SIM${randomBytes(18).toString('base64url')}`;
}

export function replyJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
  });
  res.end(bytes);
}

export interface SimulatedGraphError {
  status: number;
  code: number;
  type: string;
  message: string;
  subcode?: number;
}

/** A Graph error object, `{ error: { message, type, code, … } }`. */
export function replyGraphError(res: ServerResponse, error: SimulatedGraphError): void {
  replyJson(res, error.status, {
    error: {
      message: error.message,
      type: error.type,
      code: error.code,
      ...(error.subcode === undefined ? {} : { error_subcode: error.subcode }),
      error_data: { messaging_product: 'whatsapp', details: error.message },
      fbtrace_id: `SIM${randomBytes(9).toString('base64url')}`,
    },
  });
}
