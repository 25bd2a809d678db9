export * from './permissions.ts';
export * from './auth-context.ts';
export * from './sessions.ts';
export * from './access-service.ts';
export * from './codes.ts';
<<<<<<< HEAD
export * from './totp.ts';
export * from './two-factor.ts';
=======
export * from './login-throttle.ts';
export * from './user-agent.ts';
>>>>>>> issue3-sessions
