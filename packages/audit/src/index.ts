export * from './actions.ts';
export * from './audit-log.ts';
