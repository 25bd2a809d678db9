import { systemClock, type Clock } from '@flowgento/core';
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Db } from './database.ts';
import type { WorkspaceScope } from './scope.ts';
import { WorkspaceRepo } from './repos/workspaces.ts';
import { UserRepo } from './repos/users.ts';
import { SessionRepo } from './repos/sessions.ts';
import { LoginThrottleRepo } from './repos/login-throttle.ts';
import { SetupRepo } from './repos/setup.ts';
import { RoutingRepo } from './repos/routing.ts';
import { InviteLookup } from './repos/invites.ts';
import { TwoFactorRepo } from './repos/two-factor.ts';
import { KeyRingRepo } from './repos/key-ring.ts';
import { WrappedSecretsRepo } from './repos/wrapped-secrets.ts';
import { SupportAccessLookup } from './repos/support-grants.ts';
import { StorageProviderRepo } from './repos/storage-providers.ts';
import { StorageTierRepo } from './repos/storage-tiers.ts';
import { MediaQueue } from './repos/media.ts';
import { BackupSettingsRepo } from './repos/backup-settings.ts';
import { ObjectLocationIndex, ObjectLocationRepo } from './repos/object-locations.ts';
import { RetentionIndex } from './repos/retention.ts';
import { MetricsTokenRepo } from './repos/metrics-tokens.ts';
import { ScopedStore } from './scoped-store.ts';
import type { ContactKeys } from './contact-seal.ts';
import { setBodyKeys } from './search-opener.ts';
import type { SearchIndex } from './search-index.ts';

type Statement = Database.Statement<unknown[], unknown>;

/**
 * The data layer. System repositories hold what exists before a workspace is
 * known (people, sessions, routing by outside identifiers); everything else
 * is reached through `in(scope)`. SQL lives only below this package, so a
 * PostgreSQL store can later implement the same repositories.
 */
export class Store {
  readonly db: Db;
  readonly clock: Clock;
  readonly workspaces: WorkspaceRepo;
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly loginThrottle: LoginThrottleRepo;
  readonly setup: SetupRepo;
  readonly routing: RoutingRepo;
  readonly invites: InviteLookup;
  readonly twoFactor: TwoFactorRepo;
  readonly keyRing: KeyRingRepo;
  readonly wrappedSecrets: WrappedSecretsRepo;
  readonly supportAccess: SupportAccessLookup;
  readonly storageProviders: StorageProviderRepo;
  readonly storageTiers: StorageTierRepo;
  readonly mediaQueue: MediaQueue;
  readonly backupSettings: BackupSettingsRepo;
  /** Where the appliance's own objects (database backups) are. */
  readonly applianceObjectLocations: ObjectLocationRepo;
  readonly objectLocationIndex: ObjectLocationIndex;
  readonly retentionIndex: RetentionIndex;
  readonly metricsTokens: MetricsTokenRepo;
  /**
   * Each contact's own key (issue 8), set once the contact vault is open;
   * without it (CLI tools) notes and messages are stored as before.
   */
  contactKeys: ContactKeys | undefined;
  /**
   * The message search index, attached as schema `search` (`SearchIndex`);
   * without it messages are stored unindexed and search is refused.
   */
  searchIndex: SearchIndex | undefined;
  private readonly statements = new Map<string, Statement>();
  private readonly checkpointOnClose: boolean;

  /**
   * `checkpointOnClose: false` for a connection beside a running appliance
   * (a CLI command, the webhook intake thread under continuous backup): a
   * checkpoint there copies frames into the file that the backup engine
   * never read, and it must start a new generation, snapshot and all.
   */
  constructor(
    db: Db,
    clock: Clock = systemClock,
    options: { checkpointOnClose?: boolean } = {},
  ) {
    this.db = db;
    this.clock = clock;
    this.checkpointOnClose = options.checkpointOnClose ?? true;
    setBodyKeys(db, () => this.contactKeys);
    this.workspaces = new WorkspaceRepo(this);
    this.users = new UserRepo(this);
    this.sessions = new SessionRepo(this);
    this.loginThrottle = new LoginThrottleRepo(this);
    this.setup = new SetupRepo(this);
    this.routing = new RoutingRepo(this);
    this.invites = new InviteLookup(this);
    this.twoFactor = new TwoFactorRepo(this);
    this.keyRing = new KeyRingRepo(this);
    this.wrappedSecrets = new WrappedSecretsRepo(this);
    this.supportAccess = new SupportAccessLookup(this);
    this.storageProviders = new StorageProviderRepo(this);
    this.storageTiers = new StorageTierRepo(this);
    this.mediaQueue = new MediaQueue(this);
    this.backupSettings = new BackupSettingsRepo(this);
    this.applianceObjectLocations = new ObjectLocationRepo(this, null);
    this.objectLocationIndex = new ObjectLocationIndex(this);
    this.retentionIndex = new RetentionIndex(this);
    this.metricsTokens = new MetricsTokenRepo(this);
  }

  /** A prepared statement, compiled once per connection. */
  statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `fn` in one IMMEDIATE transaction; nested calls join the outer one. */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).immediate();
  }

  in(scope: WorkspaceScope): ScopedStore {
    return new ScopedStore(this, scope);
  }

  close(): void {
    this.searchIndex?.detach();
    if (this.db.open) {
      // Without it SQLite still checkpoints the log away when this is the
      // last connection to the file, and never while another holds it.
      if (this.checkpointOnClose) this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }
}
