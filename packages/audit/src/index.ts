export * from './actions.ts';
export * from './audit-log.ts';
export * from './chain-verify.ts';
export * from './retention.ts';
export * from './catalogue.ts';
export * from './parallel-verify.ts';
export * from './audit-query.ts';
export * from './audit-export.ts';
