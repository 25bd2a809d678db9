export * from './database.ts';
export * from './migrations/index.ts';
export * from './scope.ts';
export * from './store.ts';
export * from './scoped-store.ts';
export * from './types.ts';
export type { NumberWrite } from './repos/numbers.ts';
export type {
  AssigneeFilter,
  ConversationCursor,
  ConversationFilter,
} from './repos/conversations.ts';
export { conversationIndexFor, conversationListSql } from './repos/conversations.ts';
export type { NoteRecord } from './repos/notes.ts';
export type { SearchHit, SearchCursor } from './repos/message-search.ts';
export { MESSAGE_SEARCH_SQL } from './repos/message-search.ts';
export type { InboundMessageWrite, StatusWrite } from './repos/messages.ts';
export * from './checkpointer.ts';
export type { TwoFactorRecord, LoginChallenge } from './repos/two-factor.ts';
export type { KeyRingEntry } from './repos/key-ring.ts';
export type { WrappedSecret } from './repos/wrapped-secrets.ts';
export type {
  StoragePreset,
  StorageProviderRecord,
  StorageProviderWrite,
} from './repos/storage-providers.ts';
export {
  STORAGE_TIERS,
  type StorageTier,
  type TierProviderIds,
} from './repos/storage-tiers.ts';
export type {
  MediaKindName,
  MediaRecord,
  MediaState,
  StoredMediaWrite,
} from './repos/media.ts';
export type { BackupKeyRecord, StoredBackupSchedule } from './repos/backup-settings.ts';
export type {
  ObjectLocation,
  ObjectLocationRepo,
  ObjectOwner,
} from './repos/object-locations.ts';
export type { MetricsTokenRecord } from './repos/metrics-tokens.ts';
export * from './folder-lock.ts';
export * from './audit-chain.ts';
export * from './audit-checkpoints.ts';
export type {
  ConsentChange,
  ConsentEventKind,
  ConsentPurpose,
  ConsentRecord,
  ConsentSource,
  ConsentState,
  CustomerConsentChange,
} from './repos/consent.ts';
export type {
  ConsentHistoryEntry,
  ConsentHistoryLine,
  ConsentNotice,
  ConsentPurposeEntry,
} from './repos/consent-register.ts';
export {
  DEFAULT_PRIVACY_SETTINGS,
  type PrivacyPerson,
  type PrivacySettings,
} from './repos/privacy-settings.ts';
export type {
  MessageTemplate,
  TemplateStatusChange,
  TemplateWrite,
} from './repos/templates.ts';
export {
  dueOutboundJobs,
  nextOutboundDue,
  queuedOutboundCount,
  type OutboundJob,
  type OutboundJobKind,
} from './repos/outbound-jobs.ts';
export type { LegalHold, HoldTarget } from './repos/legal-holds.ts';
export { RETENTION_CATEGORIES } from './repos/retention.ts';
export type {
  OpenNotice,
  RetentionCategory,
  RetentionRule,
  RetentionRunRecord,
} from './repos/retention.ts';
export {
  ACCESS_ACTIONS,
  verifyAccessLogChain,
  type AccessAction,
  type AccessLogChainReport,
  type AccessLogEntry,
  type AccessLogFilter,
  type AccessLogWrite,
} from './repos/access-log.ts';
export {
  cutAccessLog,
  type AccessLogAnchor,
  type AccessLogCut,
} from './repos/access-log-retention.ts';
export {
  BREACH_DUTIES,
  breachesOfEveryWorkspace,
  type BreachDetails,
  type BreachDuty,
  type BreachRecord,
  type BreachRecords,
} from './repos/breaches.ts';
export {
  DATA_REQUEST_KINDS,
  DATA_REQUEST_LAWS,
  type DataRequest,
  type DataRequestKind,
  type DataRequestLaw,
  type DataRequestStatus,
} from './repos/data-requests.ts';
export type { ErasureCounts, ErasureTarget } from './repos/contact-erasure.ts';
export * from './contact-vault.ts';
export * from './contact-seal.ts';
export {
  SEARCH_INDEX_FILE,
  SearchIndex,
  removeIndexFiles,
  type SearchIndexFile,
  type SearchIndexRefresh,
} from './search-index.ts';
