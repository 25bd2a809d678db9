import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { isAppError } from './errors.ts';
import { redact } from './redact.ts';

export type Logger = PinoLogger;

export interface LoggerOptions {
  level?: string;
  /** Where lines go; standard output when omitted. */
  destination?: DestinationStream;
  /** Fields on every line, e.g. `{ simulated: true }`. */
  base?: Record<string, unknown>;
}

/**
 * The appliance's one logger: structured JSON lines, with every field passed
 * through the redactor so tokens, keys, passwords, phone numbers and message
 * bodies never reach disk.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env['FLOWGENTO_LOG_LEVEL'] ?? 'info';
  return pino(
    {
      level,
      base: { app: 'flowgento', ...options.base },
      formatters: { log: (fields) => redact(fields) as Record<string, unknown> },
      serializers: { err: serializeError },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Errors are logged with code, reason and stack, but never with their details. */
function serializeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const out: Record<string, unknown> = {
    type: error.name,
    message: error.message,
    stack: error.stack,
  };
  if (isAppError(error)) {
    out['code'] = error.code;
    out['reason'] = error.reason;
  }
  if (error.cause !== undefined) out['cause'] = serializeError(error.cause);
  return out;
}

/** A logger that drops everything; for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
