import { createLogger, type Logger } from '@flowgento/core';

/** A real appliance logger whose JSON lines are kept in memory for inspection. */
export function capturedLogger(): {
  logger: Logger;
  lines: () => Record<string, unknown>[];
  text: () => string;
} {
  const raw: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line) => raw.push(line) },
  });
  return {
    logger,
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => raw.join(''),
  };
}
