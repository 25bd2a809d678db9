import { createServer as createHttpsServer, type Server } from 'node:https';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AuditRetention } from '@flowgento/audit';
import {
  backupCollector,
  type BackupEngine,
  type BackupStatusSource,
} from '@flowgento/backup';
import { AppError, systemClock, type Clock, type Logger } from '@flowgento/core';
import { ensureTlsMaterial, type TlsMaterial } from '@flowgento/crypto';
import { WorkerIntakeWriter } from '@flowgento/messaging';
import { lockDataFolder, SearchIndex } from '@flowgento/store';
import { trackedProviders } from '@flowgento/storage';
import { startCloudApiSimulator, type CloudApiSimulator } from '@flowgento/whatsapp';
import type { ApplianceConfig } from './config.ts';
import { openAppliance, type OpenedAppliance } from './appliance.ts';
import {
  coalesced,
  contactVaultKeys,
  contactVaultPath,
  openContactVault,
  startVaultKeeper,
  vaultBarrier,
  vaultBackup,
} from './contact-vault.ts';
import { dataPaths } from './appliance-state.ts';
import { buildServices, type Services } from './services.ts';
import { backupServicesOf } from './backup-admin.ts';
import { createRequestHandler } from './http/routes.ts';
import { contactIsPlaceholder, DISCLOSURE_WARNING } from './http/disclosure.ts';
import { createRedirectServer } from './http/redirect.ts';
import { answerStarting, closeServer, listen } from './http/listening.ts';
import {
  createWebhookListener,
  WEBHOOK_PATH,
  webhookOnlyHandler,
} from './http/webhook-listener.ts';
import { lanAddresses, machineHostnames } from './network.ts';
import { APP_VERSION } from './version.ts';
import { startAuditKeeper, type AuditKeeper } from './audit-keeper.ts';
import { startRetentionKeeper, type RetentionKeeper } from './retention-keeper.ts';
import { startStorageKeeper, type StorageKeeper } from './storage-keeper.ts';
import { TLS_SERVER_OPTIONS } from './http/tls-options.ts';
import { startBackupEngine, type BackupSettings } from './backup-runner.ts';

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface RunningAppliance {
  /** https://127.0.0.1:<port> — what tests and the desktop shell use. */
  url: string;
  port: number;
  lanUrls: string[];
  /**
   * The webhook's own listener (`config.webhook.port`), e.g.
   * http://127.0.0.1:<port>; null when it is off.
   */
  webhookListenerUrl: string | null;
  tls: TlsMaterial;
  appliance: OpenedAppliance;
  services: Services;
  simulator: CloudApiSimulator | null;
  intakeWriter: WorkerIntakeWriter;
  /** Audit checkpoints and retention (tests call these directly). */
  auditKeeper: AuditKeeper;
  /** The daily retention run (`retentionKeeper.runNow()` runs it by hand). */
  retentionKeeper: RetentionKeeper;
  /** Continuous backup, when backup settings were given. */
  backup: BackupEngine | null;
  /** Provider probes and copy-back (`services.storageJobs` runs them by hand). */
  storageKeeper: StorageKeeper;
  /** Shown once at start while nobody owns the appliance. */
  setupCode: string | null;
  close(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  clock?: Clock;
  webRoot?: string;
  /** Overrides FLOWGENTO_DB_PASSPHRASE (tests). */
  passphrase?: string;
  /** The root key handed over by the desktop app (`serve --key-fd`). */
  rootKey?: Buffer;
  /** `passphrase` came from the desktop app (`serve --key-fd`). */
  passphraseFromDesktop?: boolean;
  /** Overrides FLOWGENTO_NEW_DB_PASSPHRASE (tests of an interrupted rekey). */
  newPassphrase?: string;
  /** How backups stand, when not from this appliance's own engine (tests). */
  backupStatus?: BackupStatusSource;
  /**
   * Continuous backup's settings; given, the engine runs even when the
   * configuration turns it off (tests). Never derived from the database key.
   */
  backup?: BackupSettings;
}

/** Opens the data folder and serves the appliance over HTTPS. */
export async function startAppliance(
  config: ApplianceConfig,
  options: StartOptions,
): Promise<RunningAppliance> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;
  // Held until close: key commands refuse to run while the appliance does.
  const folderLock = lockDataFolder(config.dataDir, 'the appliance');
  let appliance: OpenedAppliance;
  try {
    appliance = await openAppliance(config, logger, clock, {
      passphrase: options.passphrase,
      newPassphrase: options.newPassphrase,
      rootKey: options.rootKey,
      passphraseFromDesktop: options.passphraseFromDesktop,
      manualCheckpoints: true,
      folderLock,
    });
  } catch (error) {
    folderLock.release();
    throw error;
  }
  const continuous = options.backup !== undefined || config.backup.continuous;
  const cleanups: (() => Promise<void> | void)[] = [
    () => folderLock.release(),
    () => appliance.store.close(),
  ];
  try {
    // Webhook writes commit on their own thread and connection, which also
    // checkpoints the WAL for every connection.
    // With continuous backup on, the backup engine is the only checkpointer.
    const intakeStarting = WorkerIntakeWriter.start(
      {
        path: dataPaths(config.dataDir).database,
        key: appliance.databaseKey,
        checkpoints: !continuous,
        vault: {
          path: contactVaultPath(config.dataDir),
          keys: contactVaultKeys(appliance),
        },
      },
      logger,
    );
    // The thread loads its own modules and opens its own connection: it gets
    // ready while TLS, the ports and the simulator come up, and is awaited
    // only where the services need it. (A failure is raised there.)
    intakeStarting.catch(() => undefined);
    cleanups.push(() =>
      intakeStarting.then(
        (writer) => writer.close(),
        () => undefined,
      ),
    );
    const lan = lanAddresses();
    const tls = ensureTlsMaterial({
      dir: dataPaths(config.dataDir).tls,
      wrapKey: appliance.tlsKey,
      hostnames: ['localhost', ...machineHostnames(), ...config.hostnames],
      ips: ['127.0.0.1', '::1', ...lan],
    });

    const server: Server = createHttpsServer({
      key: tls.serverKeyPem,
      cert: tls.serverCertPem,
      ...TLS_SERVER_OPTIONS,
    });
    cleanups.push(() => closeServer(server));
    // The ports open before the services exist (the simulator needs the
    // URL): until then a request is told to come back, instead of waiting
    // forever for a handler that was not there when it arrived.
    server.on('request', answerStarting);
    await listen(server, config.port, config.host);
    const port = (server.address() as AddressInfo).port;
    const url = `https://127.0.0.1:${port}`;
    // LAN addresses are reachable only when listening on every interface.
    const everywhere = config.host === '0.0.0.0' || config.host === '::';
    const lanUrls = everywhere ? lan.map((address) => `https://${address}:${port}`) : [];

    const hook = config.webhook;
    const webhookServer =
      hook.port === null ? null : createWebhookListener(hook.tls ? tls : null);
    webhookServer?.on('request', answerStarting);
    let webhookListenerUrl: string | null = null;
    if (webhookServer && hook.port !== null) {
      cleanups.push(() => closeServer(webhookServer));
      await listen(
        webhookServer,
        hook.port,
        hook.host,
        'FLOWGENTO_WEBHOOK_PORT (or off)',
      );
      const { port: bound } = webhookServer.address() as AddressInfo;
      const host = hook.host.includes(':') ? `[${hook.host}]` : hook.host;
      webhookListenerUrl = `${hook.tls ? 'https' : 'http'}://${host}:${bound}`;
    }

    let simulator: CloudApiSimulator | null = null;
    if (config.simulator.enabled) {
      simulator = await startCloudApiSimulator({
        // Meta's way in: the main port unless only the webhook listener has it.
        webhookUrl: `${hook.onMainListener || !webhookListenerUrl ? url : webhookListenerUrl}${WEBHOOK_PATH}`,
        caCertPem: tls.caCertPem,
        logger,
        // Customers write "now" by the appliance's clock, which tests move.
        clock,
      });
      const started = simulator;
      cleanups.push(() => started.close());
    }
    // The Backups screen asks the engine, which starts once services exist.
    let engine: BackupEngine | null = null;
    const engineStatus: BackupStatusSource = {
      status: () => {
        if (!engine) throw new AppError('PRECONDITION_FAILED', 'Backups are starting');
        return engine.status();
      },
    };
    const intakeWriter = await intakeStarting;
    const vault = openContactVault(appliance, config.dataDir);
    appliance.store.contactKeys = vault;
    // Before any request: rebuilt when it missed changes (a restore, say).
    SearchIndex.attach(appliance.store, vault.searchIndexFile()).refresh(logger);
    // Keys the intake thread makes reach the backup tier like the main thread's.
    intakeWriter.onVaultChange = () => vault.onChange();
    cleanups.push(() => vault.close());
    const vaultCopier = vaultBackup({
      vault,
      appliance,
      tier: () => ({ objects: services.objects, providers: services.storage }),
      logger,
    });
    const backUpVault = coalesced(vaultCopier);
    const services: Services = buildServices({
      vault,
      backUpVault,
      truncateLog: () => {
        // The backup engine must see every frame before the log restarts.
        if (engine) engine.checkpointNow();
        else appliance.store.db.pragma('wal_checkpoint(TRUNCATE)');
      },
      config,
      store: appliance.store,
      secrets: appliance.keyRing,
      clock,
      logger,
      simulator,
      intakeWriter,
      audit: {
        source: { path: dataPaths(config.dataDir).database, key: appliance.databaseKey },
        checkpointFile: dataPaths(config.dataDir).auditCheckpoints,
        verifyOffThread: true,
      },
      backup: (audit) =>
        backupServicesOf(
          appliance,
          config,
          audit,
          options.backupStatus ?? (continuous ? engineStatus : null),
        ),
      info: {
        version: APP_VERSION,
        simulator: simulator !== null,
        caFingerprint256: tls.caFingerprint256,
        agentUrls: config.agentUrl ? [config.agentUrl] : lanUrls,
        securityContactSet: !contactIsPlaceholder(config.disclosure),
        webhook: {
          publicUrl: hook.publicUrl,
          ownListener: webhookListenerUrl !== null,
          onMainListener: hook.onMainListener,
        },
      },
    });
    const auditKeeper = startAuditKeeper({
      audit: services.audit,
      // A workspace's audit_log retention rule can keep entries longer.
      retention: new AuditRetention(appliance.store, services.audit, () =>
        appliance.store.retentionIndex.longestDays('audit_log'),
      ),
      checkpointPath: dataPaths(config.dataDir).auditCheckpoints,
      logger,
    });
    cleanups.push(() => auditKeeper.close());
    const backup = continuous
      ? startBackupEngine({
          dataDir: config.dataDir,
          appliance,
          routing: trackedProviders(services.storage, services.providerCalls),
          audit: services.audit,
          settings: options.backup ?? {},
          schedule: () => services.backup.schedule.current(),
          logger,
          // Never a segment in the tier before the contact keys it needs.
          beforeUpload: vaultBarrier({ vault, copier: vaultCopier, backUp: backUpVault }),
        })
      : null;
    engine = backup;
    if (backup) {
      cleanups.push(() => backup.stop());
      services.metrics.register(backupCollector(backup));
    }
    // Numbers written before they were sealed (migration 058) are sealed
    // and hashed before anyone is served, and before the ledger looks them up.
    const sealed = services.erasure.sealPlainNumbers();
    if (sealed > 0) logger.info({ contacts: sealed }, 'contact numbers sealed');
    // So are customers' file names written before those were sealed.
    const names = services.erasure.sealPlainFilenames();
    if (names > 0) logger.info({ files: names }, 'media file names sealed');
    // A restore may have brought back contacts erased since: erase them
    // again before anyone is served (issue 8).
    // A second line: `restore --to` re-applies it on the rebuilt file already.
    const reErased = (await services.erasure.reapplyLedger()).length;
    if (reErased > 0) logger.warn({ contacts: reErased }, 'erasure ledger re-applied');
    // New keys are copied within half a minute and at close; at start too,
    // in case the last copy did not finish before a stop.
    const vaultKeeper = startVaultKeeper({ vault, backUp: backUpVault });
    cleanups.push(() => vaultKeeper.close());
    if (!vault.isEmpty()) await backUpVault();
    const storageKeeper = startStorageKeeper(services);
    cleanups.push(() => storageKeeper.close());
    const retentionKeeper = startRetentionKeeper({
      retention: services.retention,
      clock,
      logger,
    });
    cleanups.push(() => retentionKeeper.close());
    server.off('request', answerStarting);
    server.on(
      'request',
      createRequestHandler({
        services,
        logger,
        caCertPem: tls.caCertPem,
        webRoot: options.webRoot ?? DEFAULT_WEB_ROOT,
        trustedProxies: config.trustedProxies,
        webhookOnMain: hook.onMainListener,
        disclosure: config.disclosure,
        baseUrl: config.agentUrl?.replace(/\/+$/, '') ?? null,
        now: () => clock.now(),
      }),
    );
    webhookServer?.off('request', answerStarting);
    webhookServer?.on(
      'request',
      webhookOnlyHandler({ services, logger, trustedProxies: hook.trustedProxies }),
    );

    let redirect: HttpServer | null = null;
    if (config.httpRedirectPort !== null) {
      const redirectServer = createRedirectServer(port, [
        'localhost',
        '127.0.0.1',
        ...machineHostnames(),
        ...config.hostnames,
        ...lan,
      ]);
      redirect = redirectServer;
      cleanups.push(() => closeServer(redirectServer));
      await listen(redirectServer, config.httpRedirectPort, config.host);
    }
    const setupCode = services.access.prepareSetupCode();
    cleanups.push(() => services.mediaFetcher.close());
    cleanups.push(() => services.outbound.close());
    cleanups.push(() => services.accessLog.close());
    logger.info(
      {
        url,
        lanUrls,
        webhook: {
          listener: webhookListenerUrl,
          onMainListener: hook.onMainListener,
          publicUrl: hook.publicUrl,
        },
        caFingerprint256: tls.caFingerprint256,
        simulator: simulator
          ? { enabled: true, baseUrl: simulator.baseUrl }
          : { enabled: false },
        needsSetup: setupCode !== null,
      },
      'appliance listening',
    );
    if (contactIsPlaceholder(config.disclosure)) {
      logger.warn(
        { reason: DISCLOSURE_WARNING, setting: 'disclosure.contact' },
        "security contact not set: security.txt and /disclosure send reports to the software makers' placeholder address",
      );
    }
    // Last, once everything it needs is up: files whose fetch was cut short
    // by a stop or a crash start again (each at its own retry time).
    const resumed = services.mediaFetcher.resume();
    if (resumed > 0) logger.info({ resumed }, 'pending media fetches resumed');
    // Sends queued before a stop or a crash go out (each at its retry time).
    services.outbound.start();
    let closing: Promise<void> | undefined;
    return {
      url,
      port,
      lanUrls,
      webhookListenerUrl,
      tls,
      appliance,
      services,
      simulator,
      intakeWriter,
      auditKeeper,
      backup,
      storageKeeper,
      retentionKeeper,
      setupCode,
      close() {
        // Every caller waits for the one stop: a second run would reach
        // the audit keeper after the first had closed the database.
        closing ??= stopAll();
        return closing;
      },
    };
    async function stopAll(): Promise<void> {
      await services.mediaFetcher.close();
      await services.outbound.close();
      await simulator?.close();
      await Promise.all([
        closeServer(server),
        redirect ? closeServer(redirect) : undefined,
        webhookServer ? closeServer(webhookServer) : undefined,
      ]);
      // After the last request: the accesses it noted are written down.
      services.accessLog.close();
      await intakeWriter.close();
      logger.info({ intake: intakeWriter.lastStats }, 'webhook intake stopped');
      // Keys made since the last copy (the intake thread's included, now that
      // it has stopped) reach the backup tier before the vault closes.
      await vaultKeeper.close();
      // Its last locked ship comes before the last connection closes (and
      // checkpoints the log away); its last upload pass, awaited here, asks
      // the vault barrier first: the vault closes after it.
      await backup?.stop();
      vault.close();
      await retentionKeeper.close();
      await storageKeeper.close();
      // The last audit checkpoint reads the database: before it closes.
      auditKeeper.close();
      appliance.store.close();
      folderLock.release();
    }
  } catch (error) {
    // A start that fails half-way releases what it took: ports, simulator, database.
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
    throw error;
  }
}
