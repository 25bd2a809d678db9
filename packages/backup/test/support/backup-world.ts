import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@flowgento/core';
import { migrate, openEncryptedDatabase, type Db } from '@flowgento/store';
import {
  LocalDiskProvider,
  OrderedTierStore,
  type StorageProvider,
  type TierProviders,
} from '@flowgento/storage';
import {
  BackupEngine,
  DEFAULT_BACKUP_SCHEDULE,
  restoreToTime,
  type BackupEngineOptions,
} from '../../src/index.ts';

export const KEY_SETUP = { mode: 'file', check: 'test-check' } as const;

/**
 * A real encrypted database in a temporary data folder, its backup tier
 * (the providers given, then the local disk provider unless `localTier` is
 * false, all listed), and an engine.
 */
export class BackupWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'fg-backup-'));
  readonly dataDir = join(this.dir, 'data');
  readonly databasePath = join(this.dataDir, 'flowgento.db');
  readonly databaseKey = randomBytes(32);
  readonly backupKey = randomBytes(32);
  readonly installationId = randomUUID();
  readonly db: Db;
  readonly providers: TierProviders;
  readonly tier: OrderedTierStore;
  engine: BackupEngine | undefined;

  constructor(
    extra: { id: string; provider: StorageProvider }[] = [],
    options: { localTier?: boolean } = {},
  ) {
    mkdirSync(this.dataDir, { recursive: true });
    this.db = openEncryptedDatabase({
      path: this.databasePath,
      key: this.databaseKey,
      autoCheckpoint: false,
    });
    migrate(this.db);
    const list = extra.map(({ id, provider }) => ({ providerId: id, provider }));
    if (options.localTier ?? true) {
      list.push({
        providerId: 'local',
        provider: new LocalDiskProvider(join(this.dir, 'tier')),
      });
    }
    this.providers = { providersOf: () => list };
    this.tier = new OrderedTierStore(this.providers);
  }

  start(options: Partial<BackupEngineOptions> = {}): BackupEngine {
    this.engine = new BackupEngine({
      databasePath: this.databasePath,
      databaseKey: this.databaseKey,
      backupKey: this.backupKey,
      installationId: this.installationId,
      keySetup: KEY_SETUP,
      dataDir: this.dataDir,
      tier: this.tier,
      providers: this.providers,
      schedule: () => DEFAULT_BACKUP_SCHEDULE,
      logger: silentLogger(),
      observeEveryMs: 50,
      cutEveryMs: 200,
      checkpointEveryMs: 500,
      ...options,
    });
    return this.engine;
  }

  /** Rows a test writes: workspaces named `<batch>-<n>`, padded to fill pages. */
  write(batch: string, count: number, db: Db = this.db): void {
    const insert = db.prepare(
      'INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)',
    );
    for (let i = 0; i < count; i += 1) {
      insert.run(
        `${batch}-${i}-${randomUUID()}`,
        `${batch} ${'x'.repeat(300)}`,
        Date.now(),
      );
    }
  }

  restore(at: number, into = join(this.dir, `restored-${randomUUID()}`)) {
    return restoreToTime({
      providers: this.providers,
      tier: this.tier,
      backupKey: this.backupKey,
      databaseKey: this.databaseKey,
      installationId: this.installationId,
      at,
      intoDir: into,
    });
  }

  /** Reads a restored file with this world's database key, and closes it. */
  readRestored<T>(path: string, read: (db: Db) => T): T {
    const db = openEncryptedDatabase({
      path,
      key: this.databaseKey,
      mustExist: true,
      readonly: true,
    });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  async cleanup(): Promise<void> {
    await this.engine?.stop();
    if (this.db.open) this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Every workspace row's id, sorted: what "exactly the rows" compares. */
export function workspaceIds(db: Db): string[] {
  return db.prepare('SELECT id FROM workspaces ORDER BY id').pluck().all() as string[];
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
