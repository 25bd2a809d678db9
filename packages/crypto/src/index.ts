export * from './keys.ts';
export * from './envelope.ts';
export * from './passwords.ts';
export * from './hashing.ts';
export * from './certificates.ts';
export { ensurePrivateDir, writeFileAtomic } from './files.ts';
