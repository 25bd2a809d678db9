/**
 * The one application error type. Every refusal the appliance makes carries a
 * code from this closed set; the HTTP and tRPC boundaries map codes to status
 * codes, show `message` to the client and keep `cause` for the log only.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  /**
   * A rule of the law or of the workspace refuses the action (a legal hold,
   * a request's deadline, a refusal that names no authority): the caller
   * may act, the rule says not now. Audited as `rule.refused`, never as a
   * permission failure.
   */
  | 'RULE_REFUSED'
  | 'RATE_LIMITED'
  | 'UPSTREAM_FAILED'
  | 'KEY_REJECTED'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

const httpStatusByCode: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  RULE_REFUSED: 412,
  RATE_LIMITED: 429,
  UPSTREAM_FAILED: 502,
  KEY_REJECTED: 500,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
};

export interface AppErrorOptions {
  /** A stable, machine-readable reason such as `service_window_closed`. */
  reason?: string;
  /** The underlying error; logged, never sent to a client. */
  cause?: unknown;
  /** Extra fields safe to show to the client. */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly reason: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
    this.details = options.details;
  }

  get httpStatus(): number {
    return httpStatusByCode[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Wraps anything thrown into an AppError, hiding unknown causes behind INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return new AppError('INTERNAL', 'Internal error', { cause: error });
}
