export * from './actions.ts';
export * from './audit-log.ts';
export * from './audit-query.ts';
export * from './audit-export.ts';
