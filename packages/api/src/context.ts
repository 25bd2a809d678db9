import type { RequestOrigin } from '@flowgento/core';
import type { AccessService, AuthContext, TwoFactorService } from '@flowgento/access';
import type { AccessLog, AuditLog, BreachRegister } from '@flowgento/audit';
import type {
  BackupKeys,
  BackupScheduleSettings,
  BackupStatusSource,
  RecoveryKits,
} from '@flowgento/backup';
import type {
  ConsentRegisterService,
  ConsentService,
  LegalHoldService,
  RetentionService,
  PrivacyService,
  ContactErasureService,
  ConversationService,
  DeskService,
  LiveEvents,
  NumberSettingsService,
  ReplyService,
  RequestDesk,
  TemplateService,
} from '@flowgento/messaging';
import type { StorageRouting, StorageStatus } from '@flowgento/storage';
import type { CloudApiSimulator } from '@flowgento/whatsapp';

/** The built-in Cloud API simulator, as the API sees it; null when it is off. */
export type SimulatorControl = Pick<
  CloudApiSimulator,
  | 'sendCustomerMessage'
  | 'sendCustomerMedia'
  | 'sendCustomerEvent'
  | 'sendCustomerPreference'
>;

export interface ApplianceInfo {
  version: string;
  simulator: boolean;
  caFingerprint256: string;
  /** Where agents on the LAN open the appliance; empty when it listens on loopback only. */
  agentUrls: string[];
  webhook: WebhookInfo;
  /**
   * False while security.txt and /disclosure still name the Flowgento
   * project's placeholder contact instead of the owner's (`disclosure.contact`).
   */
  securityContactSet: boolean;
}

/** How Meta reaches the webhook, for the WhatsApp page (never secret). */
export interface WebhookInfo {
  /** The configured public base URL (`webhook.publicUrl`), if any. */
  publicUrl: string | null;
  /** True when the webhook has its own listener. */
  ownListener: boolean;
  /** False when the main HTTPS port no longer takes Meta's calls. */
  onMainListener: boolean;
}

/** The appliance's backups, as the admin screens reach them. */
export interface BackupServices {
  schedule: BackupScheduleSettings;
  kits: RecoveryKits;
  keys: Pick<BackupKeys, 'fingerprint'>;
  /** The running backup engine; null while none is wired (backups not running). */
  status: BackupStatusSource | null;
}

/** Everything procedures call; built once by the server. */
export interface ApiServices {
  access: AccessService;
  twoFactor: TwoFactorService;
  audit: AuditLog;
  conversations: ConversationService;
  desk: DeskService;
  /** People's requests about their data, and their legal clocks. */
  requests: RequestDesk;
  replies: ReplyService;
  /** Message templates: synced from Graph, offered per conversation. */
  templates: TemplateService;
  /** Marketing consent of contacts, and the workspace's stop / start keywords. */
  consent: ConsentService;
  /** Retention rules and runs, and legal holds (issue #8). */
  retention: RetentionService;
  legalHolds: LegalHoldService;
  /** The consent register: records, notices, purposes, export. */
  consentRegister: ConsentRegisterService;
  /** Minimisation switches, privacy contacts, record of processing. */
  privacy: PrivacyService;
  /** Erasing a contact everywhere, and the ledger that outlives restores. */
  erasure: ContactErasureService;
  numbers: NumberSettingsService;
  events: LiveEvents;
  /** Where each tier of a workspace's objects goes. */
  storage: StorageRouting;
  backup: BackupServices;
  /** Health of the providers a workspace's tiers use, and copy-back. */
  storageStatus: StorageStatus;
  simulator: SimulatorControl | null;
  info: ApplianceInfo;
  /** Who read, searched or exported which contact (pseudonymised). */
  accessLog: AccessLog;
  breaches: BreachRegister;
}

export interface SessionCookie {
  set(token: string, expiresAt: number): void;
  clear(): void;
  /** The cookie value the request carried, to re-check long-lived streams. */
  current: string | undefined;
}

export interface ApiContext {
  services: ApiServices;
  auth: AuthContext | null;
  origin: RequestOrigin;
  cookie: SessionCookie;
}
