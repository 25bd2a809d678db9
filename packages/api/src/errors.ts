import { TRPCError } from '@trpc/server';
import { isAppError, type AppError, type ErrorCode } from '@flowgento/core';
import { inputProblemsOf } from './input-errors.ts';

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

/**
 * A zod failure as one line of sentences, each naming its field in words,
 * e.g. `Privacy contact email must be an email address`.
 */
export function describeZodIssues(cause: unknown): string | undefined {
  const problems = inputProblemsOf(cause);
  if (!problems) return undefined;
  return problems
    .slice(0, 3)
    .map((problem) => problem.message)
    .join('; ');
}
