export * from './events.ts';
export * from './commit-batcher.ts';
export * from './secret-box.ts';
export * from './webhook-intake.ts';
export * from './service-window.ts';
export * from './reply-service.ts';
export * from './number-settings.ts';
export * from './conversation-service.ts';
