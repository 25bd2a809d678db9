import { TRPCError } from '@trpc/server';
import { isAppError, type AppError, type ErrorCode } from '@flowgento/core';

type TrpcCode = TRPCError['code'];

const trpcCodeByAppCode: Record<ErrorCode, TrpcCode> = {
  INVALID_INPUT: 'BAD_REQUEST',
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  RULE_REFUSED: 'PRECONDITION_FAILED',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  UPSTREAM_FAILED: 'BAD_GATEWAY',
  KEY_REJECTED: 'INTERNAL_SERVER_ERROR',
  CONFIG_INVALID: 'INTERNAL_SERVER_ERROR',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** An AppError as the client may see it; internal causes stay on the server. */
export function toTrpcError(error: AppError): TRPCError {
  const code = trpcCodeByAppCode[error.code];
  const message = code === 'INTERNAL_SERVER_ERROR' ? 'Internal error' : error.message;
  return new TRPCError({ code, message, cause: error });
}

export function appErrorOf(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (error instanceof TRPCError && isAppError(error.cause)) return error.cause;
  return undefined;
}

interface ZodIssueLike {
  path: PropertyKey[];
  message: string;
  code?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
}

/** A zod failure as one line naming the field, e.g. `email: Invalid email address`. */
export function describeZodIssues(cause: unknown): string | undefined {
  const issues = (cause as { issues?: ZodIssueLike[] } | null)?.issues;
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || 'input'}: ${wordingOf(issue)}`)
    .join('; ');
}

/**
 * Zod's own length and range wording ("Too small: expected string to have
 * >=3 characters") in plain words; a message a schema gave is kept.
 */
function wordingOf(issue: ZodIssueLike): string {
  const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  if (!/^Too (small|big):/.test(issue.message) || limit === undefined) {
    return issue.message;
  }
  const n = Number(limit);
  const least = issue.code === 'too_small';
  switch (issue.origin) {
    case 'string':
      if (least && n === 1) return 'Cannot be empty';
      return `Use ${least ? 'at least' : 'at most'} ${n} character${n === 1 ? '' : 's'}`;
    case 'array':
    case 'set':
      return `Give ${least ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
    case 'number':
    case 'int':
    case 'bigint':
      return `Must be ${least ? 'at least' : 'at most'} ${n}`;
    default:
      return issue.message;
  }
}
