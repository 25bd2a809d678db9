import { AppError } from '@flowgento/core';
import { errnoOf } from './errno.ts';

// Errors that mean the provider could not be reached at all.
const UNREACHABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
]);
const UNREACHABLE_NAMES = new Set(['TimeoutError', 'RequestTimeout']);

/**
 * A TLS handshake that failed: on Node 20 `EPROTO` ("wrong version number",
 * an https:// endpoint whose port speaks plain HTTP), on later versions
 * OpenSSL's own `ERR_SSL_…` codes.
 */
function isTlsFailure(errno: string | undefined): boolean {
  return errno === 'EPROTO' || (errno?.startsWith('ERR_SSL_') ?? false);
}

type Details = Record<string, unknown>;

// The service error codes that have a reason of their own. A Map, so a
// code such as `constructor` finds nothing.
const BY_NAME = new Map<string, (details: Details) => AppError>(
  Object.entries({
    NoSuchKey: () =>
      new AppError('NOT_FOUND', 'No object is stored under this key', {
        reason: 'object_not_found',
      }),
    NoSuchBucket: () => bucketNotFound(),
    InvalidAccessKeyId: (details) => credentialsRejected('accessKeyId', details),
    SignatureDoesNotMatch: (details) => credentialsRejected('secretAccessKey', details),
    AccessDenied: (details) =>
      new AppError(
        'UPSTREAM_FAILED',
        'The storage provider refused access to the bucket with these credentials',
        { reason: 'access_denied', details: { field: 'accessKeyId', ...details } },
      ),
    RequestTimeTooSkewed: (details) =>
      new AppError(
        'UPSTREAM_FAILED',
        "The storage provider refused this machine's clock; check the date and time",
        { reason: 'clock_skewed', details },
      ),
  }),
);

/** What an SDK error says, without its message or stack. */
export interface S3ErrorFacts {
  /** The service's error code, e.g. `SignatureDoesNotMatch`, or the SDK's error name. */
  name: string | undefined;
  status: number | undefined;
  errno: string | undefined;
}

export function s3ErrorFacts(error: unknown): S3ErrorFacts {
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const status = record.$metadata?.httpStatusCode;
  return {
    name: typeof record.name === 'string' ? record.name : undefined,
    status: typeof status === 'number' ? status : undefined,
    errno: errnoOf(error),
  };
}

/**
 * An S3 SDK error as an AppError with a stable reason. Only the provider's
 * error code and HTTP status are kept (in `details`): SDK errors carry
 * stacks, request ids and sometimes the request itself, none of which
 * belongs in a log line or in front of a user.
 */
export function s3Failure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const facts = s3ErrorFacts(error);
  // Only an answer from the provider has a status and a code worth showing.
  const details =
    facts.status === undefined
      ? {}
      : { status: facts.status, ...(facts.name ? { providerCode: facts.name } : {}) };

  const named = facts.name === undefined ? undefined : BY_NAME.get(facts.name);
  if (named) return named(details);

  if (isTlsFailure(facts.errno)) {
    return new AppError(
      'UPSTREAM_FAILED',
      'The storage endpoint did not answer TLS: check that its address and port serve HTTPS',
      {
        reason: 'storage_tls_failed',
        details: { field: 'endpoint', errno: facts.errno },
      },
    );
  }
  if (
    (facts.errno !== undefined && UNREACHABLE_ERRNO.has(facts.errno)) ||
    (facts.name !== undefined && UNREACHABLE_NAMES.has(facts.name))
  ) {
    return new AppError('UPSTREAM_FAILED', 'The storage endpoint could not be reached', {
      reason: 'storage_unreachable',
      details: facts.errno === undefined ? details : { ...details, errno: facts.errno },
    });
  }
  return new AppError(
    'UPSTREAM_FAILED',
    'The storage provider did not do what was asked',
    {
      reason: 'storage_request_failed',
      details,
    },
  );
}

export function bucketNotFound(): AppError {
  return new AppError(
    'UPSTREAM_FAILED',
    'No bucket of this name exists at the endpoint',
    {
      reason: 'bucket_not_found',
      details: { field: 'bucket' },
    },
  );
}

function credentialsRejected(field: string, details: Details): AppError {
  const message =
    field === 'accessKeyId'
      ? 'The storage provider does not know this access key id'
      : 'The storage provider rejected the secret access key';
  return new AppError('UPSTREAM_FAILED', message, {
    reason: 'credentials_rejected',
    details: { field, ...details },
  });
}
