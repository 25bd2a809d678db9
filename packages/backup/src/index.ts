export * from './manifest.ts';
export * from './create-backup.ts';
export * from './restore-backup.ts';
export * from './schedule.ts';
export * from './status.ts';
