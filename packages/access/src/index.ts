export * from './permissions.ts';
export * from './auth-context.ts';
export * from './sessions.ts';
export * from './access-service.ts';
export * from './member-service.ts';
export * from './codes.ts';
