export * from './errors.ts';
export * from './redact.ts';
export * from './logger.ts';
export * from './ids.ts';
export * from './clock.ts';
export * from './metrics.ts';
export * from './plural.ts';
export * from './phone-numbers.ts';
