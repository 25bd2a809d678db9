import { createLogger, type Logger } from '@flowgento/core';

/** A real appliance logger whose JSON lines are kept in memory for inspection. */
export function capturedLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line) => lines.push(line) },
  });
  return { logger, text: () => lines.join('') };
}
