import { join } from 'node:path';
import { MetricsRegistry, type Clock, type Logger } from '@flowgento/core';
import {
  AccessService,
  LoginThrottle,
  MetricsTokens,
  TwoFactorService,
} from '@flowgento/access';
import { AccessLog, AuditExports, AuditLog, BreachRegister } from '@flowgento/audit';
import {
  ConsentRegisterService,
  ConsentService,
  ConversationPurge,
  PrivacyService,
  ContactErasureService,
  purgingByErasure,
  ConversationService,
  LegalHoldService,
  RetentionService,
  DeskService,
  LiveEvents,
  OutboundQueue,
  TemplateService,
  MediaFetcher,
  MediaService,
  ContactExporter,
  RequestDesk,
  type ExportDisclosure,
  type Recipient,
  NumberSettingsService,
  ReplyService,
  WebhookIntake,
  type IntakeWriter,
  type SecretBox,
} from '@flowgento/messaging';
import {
  CopyBackJob,
  FailoverTierStore,
  HealthProber,
  ProviderHealth,
  StorageProviderSettings,
  StorageRouting,
  StorageStatus,
  type ProviderCalls,
  type TierStore,
} from '@flowgento/storage';
import type {
  ContactVault,
  Store,
  WhatsAppNumber,
  WorkspaceScope,
} from '@flowgento/store';
import {
  GraphClient,
  GraphMediaClient,
  GraphTemplatesClient,
  type CloudApiSimulator,
} from '@flowgento/whatsapp';
import { BackupScheduleSettings } from '@flowgento/backup';
import type { ApiServices, ApplianceInfo, BackupServices } from '@flowgento/api';
import type { ApplianceConfig } from './config.ts';
import {
  exportDisclosure,
  retentionRuleInputs,
  storageInUse,
  storageRecipients,
} from './compliance-inputs.ts';

export interface Services extends ApiServices {
  intake: WebhookIntake;
  /** Audit exports are downloads (`http/audit-export.ts`), not procedures. */
  auditExports: AuditExports;
  /** Media is a download too (`http/media.ts`). */
  media: MediaService;
  /** Sends agents' messages, retrying transient failures; started and closed with the appliance. */
  outbound: OutboundQueue;
  /** Fetches inbound media in the background; resumed at start, closed at stop. */
  mediaFetcher: MediaFetcher;
  /**
   * Where media and backups are written and read: each tier's providers in
   * order, with failover, recorded locations and provider health.
   */
  objects: TierStore;
  /** Timeouts and health for every provider request, failover or not. */
  providerCalls: ProviderCalls;
  /** The background half of failover, started and stopped with the appliance. */
  storageJobs: { prober: HealthProber; copyBack: CopyBackJob };
  /** What `/metrics` shows; other parts add their collectors here. */
  metrics: MetricsRegistry;
  metricsTokens: MetricsTokens;
  /** A contact's export is a download (`http/contact-export.ts`). */
  contactExports: ContactExporter;
  /** Who an export names as recipients, and what it discloses. */
  exportInputs(scope: WorkspaceScope): {
    storageRecipients: Recipient[];
    disclosure: ExportDisclosure;
  };
}

/**
 * Wires the domain services. The simulator, when on, is reached only by
 * numbers marked simulated; real numbers always go to the configured Graph API.
 */
export function buildServices(input: {
  config: ApplianceConfig;
  store: Store;
  /** The key ring of the opened appliance. */
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  simulator: CloudApiSimulator | null;
  intakeWriter: IntakeWriter;
  info: ApplianceInfo;
  /** The database file and key, and the checkpoint file, for verifying the chain. */
  audit?: ConstructorParameters<typeof AuditLog>[1];
  /** Builds the backup services on the shared audit log (`backup-admin.ts`). */
  backup: (audit: AuditLog) => BackupServices;
  /** The erasure ledger, outside the backup chain (`contact-vault.ts`). */
  vault: ContactVault;
  /** Empties the database log after an erasure (the backup engine's, if on). */
  truncateLog: () => void;
  /** Copies the vault to the backup tier after an erasure. */
  backUpVault?: () => Promise<void>;
}): Services {
  const { config, store, clock, logger, simulator } = input;
  const secrets = input.secrets;
  const realMedia = new GraphMediaClient({
    baseUrl: config.whatsapp.graphApiBaseUrl,
    apiVersion: config.whatsapp.graphApiVersion,
  });
  const simulatedMedia = simulator
    ? new GraphMediaClient({ baseUrl: simulator.baseUrl, apiVersion: 'v23.0' })
    : null;
  const audit = new AuditLog(store, input.audit);
  const accessLog = new AccessLog(
    store,
    secrets,
    audit,
    logger.child({ component: 'access-log' }),
  );
  const events = new LiveEvents();
  const throttle = new LoginThrottle(store, clock);
  const twoFactor = new TwoFactorService(store, secrets, audit, clock, throttle);
  const access = new AccessService(store, audit, clock, logger, twoFactor, throttle);
  // The local disk under the data folder, and the saved S3 providers with
  // their secret keys opened by the key ring when a tier first needs them.
  const storage = new StorageRouting(
    store,
    new StorageProviderSettings(store, secrets, logger),
    audit,
    config.dataDir,
  );
  // Media goes through failover: each copy recorded, health tracked.
  const objects = new FailoverTierStore(
    storage,
    store,
    new ProviderHealth(clock),
    logger,
  );
  const mediaFetcher = new MediaFetcher({
    store,
    tiers: objects,
    secrets,
    graphFor: (number) =>
      number.simulated && simulatedMedia ? simulatedMedia : realMedia,
    events,
    clock,
    logger: logger.child({ component: 'media-fetcher' }),
    spoolDir: join(config.dataDir, 'media-spool'),
  });
  const intake = new WebhookIntake(
    store,
    secrets,
    events,
    input.intakeWriter,
    logger,
    (media) => mediaFetcher.queue(media),
  );
  const copyBack = new CopyBackJob(objects, store, logger);
  const prober = new HealthProber(objects.calls, logger, () => copyBack.schedule());
  const storageStatus = new StorageStatus(storage, objects, copyBack);
  const metrics = new MetricsRegistry();
  metrics.register(storageStatus.collector());

  const realGraph = new GraphClient({
    baseUrl: config.whatsapp.graphApiBaseUrl,
    apiVersion: config.whatsapp.graphApiVersion,
    logger,
  });
  const simulatedGraph = simulator
    ? new GraphClient({ baseUrl: simulator.baseUrl, apiVersion: 'v23.0', logger })
    : null;
  const graphFor = (number: WhatsAppNumber) =>
    number.simulated && simulatedGraph ? simulatedGraph : realGraph;
  const realTemplates = new GraphTemplatesClient({
    baseUrl: config.whatsapp.graphApiBaseUrl,
    apiVersion: config.whatsapp.graphApiVersion,
  });
  const simulatedTemplates = simulator
    ? new GraphTemplatesClient({ baseUrl: simulator.baseUrl, apiVersion: 'v23.0' })
    : null;
  const outbound = new OutboundQueue(
    store,
    graphFor,
    secrets,
    events,
    clock,
    logger.child({ component: 'outbound-queue' }),
  );
  metrics.register(outbound.collector());

  const replies = new ReplyService(store, outbound, events, clock);
  const erasure = new ContactErasureService(
    store,
    audit,
    input.vault,
    clock,
    { tiers: objects, logger },
    input.truncateLog,
    input.backUpVault,
    accessLog,
  );
  const purge = new ConversationPurge(store, { tiers: objects, logger }, events);
  const retention = new RetentionService(
    store,
    audit,
    clock,
    purge,
    purgingByErasure(erasure),
    ({ scope, conversationId, templateId, userId }) =>
      replies.sendTemplate({ scope, userId, conversationId, templateId, parameters: {} }),
    logger.child({ component: 'retention' }),
  );

  const numbers: NumberSettingsService = new NumberSettingsService(
    store,
    secrets,
    audit,
    () => {
      intake.refresh();
      if (simulator) registerSimulatedNumbers(store, numbers, simulator);
    },
  );
  if (simulator) registerSimulatedNumbers(store, numbers, simulator);

  const media = new MediaService(store, objects, secrets);
  const privacy = new PrivacyService(store, audit, clock, {
    messagingHost: new URL(config.whatsapp.graphApiBaseUrl).host,
    retentionRules: (scope) => retentionRuleInputs(store, scope),
    storageRecipients: (scope) => storageInUse(store, storage, scope),
    backupRetention: () => new BackupScheduleSettings(store, audit).current(),
  });
  const disclosure = (scope: WorkspaceScope) =>
    exportDisclosure(store, scope, (s) => privacy.contacts(s));

  return {
    access,
    twoFactor,
    audit,
    auditExports: new AuditExports(store, audit),
    media,
    contactExports: new ContactExporter(store, media, audit, clock, accessLog),
    exportInputs: (scope) => ({
      storageRecipients: storageRecipients(store, storage, scope),
      disclosure: disclosure(scope),
    }),
    requests: new RequestDesk(store, audit, clock, erasure, disclosure),
    mediaFetcher,
    events,
    intake,
    numbers,
    storage,
    backup: input.backup(audit),
    storageStatus,
    objects,
    providerCalls: objects.calls,
    storageJobs: { prober, copyBack },
    metrics,
    metricsTokens: new MetricsTokens(store, audit, clock),
    conversations: new ConversationService(store, audit, events, clock, {
      tiers: objects,
      logger,
    }),
    erasure,
    outbound,
    replies,
    retention,
    legalHolds: new LegalHoldService(store, audit),
    templates: new TemplateService(
      store,
      (number) =>
        number.simulated && simulatedTemplates ? simulatedTemplates : realTemplates,
      secrets,
      audit,
      events,
      logger,
    ),
    consent: new ConsentService(store, audit, events, clock),
    consentRegister: new ConsentRegisterService(
      store,
      audit,
      events,
      clock,
      accessLog,
      input.vault,
    ),
    privacy,
    desk: new DeskService(store, audit, events),
    simulator: simulator && {
      sendCustomerMessage: (message) => simulator.sendCustomerMessage(message),
      sendCustomerMedia: (media) => simulator.sendCustomerMedia(media),
      sendCustomerEvent: (event) => simulator.sendCustomerEvent(event),
      sendCustomerPreference: (input) => simulator.sendCustomerPreference(input),
    },
    info: input.info,
    accessLog,
    breaches: new BreachRegister(store, audit, accessLog),
  };
}

/** Tells the simulator the credentials of every simulated number, as Meta would know them. */
function registerSimulatedNumbers(
  store: Store,
  numbers: NumberSettingsService,
  simulator: CloudApiSimulator,
): void {
  for (const number of store.routing.allNumbers()) {
    if (!number.simulated) continue;
    simulator.registerNumber({
      phoneNumberId: number.phoneNumberId,
      displayPhoneNumber: number.displayPhoneNumber,
      businessAccountId: number.businessAccountId,
      accessToken: numbers.unwrap(number, 'accessToken'),
      appSecret: numbers.unwrap(number, 'appSecret'),
    });
  }
}
