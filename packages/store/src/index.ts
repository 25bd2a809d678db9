export * from './database.ts';
export * from './migrations/index.ts';
export * from './scope.ts';
export * from './store.ts';
export * from './scoped-store.ts';
export * from './types.ts';
export type { NumberWrite } from './repos/numbers.ts';
export type { InboundMessageWrite, StatusWrite } from './repos/messages.ts';
export * from './checkpointer.ts';
