import { AppError } from '@flowgento/core';

/**
 * Graph codes that mean "slow down", which Meta often returns with HTTP 400:
 * 4 (app request limit), 80007 (account rate limit), 130429 (throughput),
 * 131048 (spam rate limit), 131056 (too many messages to one recipient).
 */
export const THROTTLING_CODES: ReadonlySet<number> = new Set([
  4, 80007, 130429, 131048, 131056,
]);

/** The `error` member of a Graph API error response. */
export interface GraphErrorBody {
  message: string | null;
  type: string | null;
  code: number | null;
  subcode: number | null;
  fbtraceId: string | null;
}

/** Our own words for the failures an operator is most likely to meet. */
const PLAIN_MESSAGES: Record<number, string> = {
  4: 'WhatsApp is throttling this app; the message will need to be sent later',
  10: 'The access token lacks the permission to send from this number',
  100: 'WhatsApp rejected the request as invalid',
  190: 'WhatsApp rejected the access token; it may have expired or been revoked',
  200: 'The access token lacks the permission to send from this number',
  368: 'The WhatsApp account is temporarily blocked for policy violations',
  80007: 'The WhatsApp account reached its rate limit',
  130429: 'The phone number reached its message throughput limit',
  131026: 'The message could not be delivered to this recipient',
  131030: 'The recipient is not on the test number’s allowed list',
  131031:
    'The WhatsApp business account is locked; see the account’s quality page in Meta',
  131047: 'More than 24 hours passed since the customer last wrote; use a template',
  131048: 'WhatsApp limited sending from this number for spam concerns; try again later',
  131049:
    'WhatsApp chose not to deliver this marketing message, to keep engagement healthy',
  131050: 'The customer has stopped marketing messages from this business',
  131056:
    'Too many messages were sent to this recipient in a short time; try again later',
  132000: 'The template parameters do not match the template',
  132001: 'The template does not exist in this language',
};

/** Reads `{ error: { … } }`, tolerating any missing member. */
export function readGraphError(json: unknown): GraphErrorBody | null {
  if (typeof json !== 'object' || json === null) return null;
  const error = (json as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const e = error as Record<string, unknown>;
  return {
    message: typeof e['message'] === 'string' ? e['message'] : null,
    type: typeof e['type'] === 'string' ? e['type'] : null,
    code: typeof e['code'] === 'number' ? e['code'] : null,
    subcode: typeof e['error_subcode'] === 'number' ? e['error_subcode'] : null,
    fbtraceId: typeof e['fbtrace_id'] === 'string' ? e['fbtrace_id'] : null,
  };
}

/**
 * The plain reason for a Graph error code, for the conversation, or null
 * when we have no words of our own for it.
 */
export function plainGraphReason(metaCode: number): string | null {
  return PLAIN_MESSAGES[metaCode] ?? null;
}

export function isRetryable(httpStatus: number, metaCode: number | null): boolean {
  if (httpStatus >= 500 || httpStatus === 429) return true;
  return metaCode !== null && THROTTLING_CODES.has(metaCode);
}

/** An HTTP-level failure from Graph, as the appliance's one error type. */
export function graphFailure(
  httpStatus: number,
  graph: GraphErrorBody | null,
  scrub: (text: string) => string,
): AppError {
  const metaCode = graph?.code ?? null;
  const retryable = isRetryable(httpStatus, metaCode);
  const plain =
    (metaCode !== null ? PLAIN_MESSAGES[metaCode] : undefined) ??
    (httpStatus >= 500
      ? 'WhatsApp Cloud API is unavailable'
      : 'WhatsApp Cloud API refused the request');

  return new AppError('UPSTREAM_FAILED', plain, {
    reason: metaCode !== null ? `graph_${metaCode}` : `graph_http_${httpStatus}`,
    details: {
      metaCode,
      metaSubcode: graph?.subcode ?? null,
      retryable,
      httpStatus,
      fbtraceId: graph?.fbtraceId ?? null,
      metaMessage: graph?.message ? scrub(graph.message) : null,
    },
  });
}

/** A failure before any HTTP answer: refused connection, reset, timeout. */
export function transportFailure(kind: 'timeout' | 'network', cause: unknown): AppError {
  return new AppError(
    'UPSTREAM_FAILED',
    kind === 'timeout'
      ? 'WhatsApp Cloud API did not answer in time'
      : 'WhatsApp Cloud API could not be reached',
    {
      reason: `graph_${kind}`,
      cause,
      details: { metaCode: null, metaSubcode: null, retryable: true },
    },
  );
}

/** A 2xx answer without the message id the API promises. */
export function malformedReply(httpStatus: number): AppError {
  return new AppError('UPSTREAM_FAILED', 'WhatsApp Cloud API sent an unreadable answer', {
    reason: 'graph_bad_response',
    // Not retried: the message may well have been accepted and sent.
    details: { metaCode: null, metaSubcode: null, retryable: false, httpStatus },
  });
}
