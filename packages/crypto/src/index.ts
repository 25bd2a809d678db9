export * from './keys.ts';
export * from './envelope.ts';
export * from './passwords.ts';
export * from './hashing.ts';
export * from './certificates.ts';
export { ensurePrivateDir, writeFileAtomic } from './files.ts';
export * from './sealed-secret.ts';
export * from './key-change.ts';
export * from './tls-rewrap.ts';
