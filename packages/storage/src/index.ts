export * from './provider.ts';
export { assertObjectKey } from './object-key.ts';
export {
  LOCAL_STORAGE_FOLDER,
  LocalDiskProvider,
  localStorageIn,
} from './local-provider.ts';
export { isLoopbackAddress } from './s3-endpoint.ts';
export * from './s3-settings.ts';
export { createS3Client, PART_BYTES, S3StorageProvider } from './s3-provider.ts';
export { verifyS3Settings } from './verify-settings.ts';
export * from './provider-settings.ts';
export * from './tiers.ts';
export * from './routing.ts';
export * from './tier-store.ts';
export * from './provider-health.ts';
export {
  isProviderFault,
  ProviderCalls,
  REQUEST_TIMEOUT_MS,
  type ProviderTarget,
} from './provider-calls.ts';
export { FailoverTierStore, type TierLocations } from './failover-tier-store.ts';
export type { SettleOutcome } from './settle-object.ts';
export * from './health-prober.ts';
export * from './copy-back.ts';
export * from './storage-status.ts';
export * from './tracked-providers.ts';
