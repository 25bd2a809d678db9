import { userInfo } from 'node:os';
import { AppError, createLogger, type Logger } from '@flowgento/core';
import { loadConfig, type ApplianceConfig } from '../config.ts';

/** Configuration and logger for a CLI run, from flags, environment and file. */
export function cliContext(values: Record<string, string | boolean | undefined>): {
  config: ApplianceConfig;
  logger: Logger;
} {
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const overrides: Partial<
    Record<'dataDir' | 'port' | 'keyFile' | 'configFile', string>
  > = {};
  if (text('data-dir')) overrides.dataDir = text('data-dir');
  if (text('key-file')) overrides.keyFile = text('key-file');
  if (text('config')) overrides.configFile = text('config');
  if (text('port')) overrides.port = text('port');
  const config = loadConfig({ overrides });
  return { config, logger: createLogger({ level: config.logLevel }) };
}

export function requireText(
  values: Record<string, string | boolean | undefined>,
  name: string,
): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new AppError('INVALID_INPUT', `--${name} is required (see --help)`);
  }
  return value;
}

/**
 * The operating-system account running the command: its name only (a
 * DPO asks who erased, not with what). An account with no name in the
 * user database (a container's bare uid) is named by its uid.
 */
function operatorAccount(): string {
  try {
    return userInfo().username.slice(0, 64) || `uid ${process.getuid?.() ?? '?'}`;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

/** Who the audit log names for work done at the command line: `cli:<account>`. */
export const CLI_ACTOR = {
  actor: { type: 'system', label: `cli:${operatorAccount()}` },
  origin: { ip: null, userAgent: 'flowgento-cli' },
} as const;
