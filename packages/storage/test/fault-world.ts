import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { AuditLog } from '@flowgento/audit';
import { KeyRing } from '@flowgento/messaging';
import { migrate, openEncryptedDatabase, Store, workspaceScope } from '@flowgento/store';
import {
  CopyBackJob,
  FailoverTierStore,
  HealthProber,
  ProviderHealth,
  StorageProviderSettings,
  StorageRouting,
  storageSecretAad,
} from '../src/index.ts';
import { FaultProxy } from './support/fault-proxy.ts';
import { capturedLogger } from './support/logs.ts';
import { createBucket, type RgwServer } from './support/rgw.ts';

/** Short, so a hanging provider fails a test in seconds; long enough for the
 * SDK to wait out two SlowDown answers (its backoff for throttling). */
export const TEST_TIMEOUT_MS = 3_000;

/**
 * A tier `media-hot` = [A, B] on the real gateway, with A (bucket fault-a)
 * behind a fault proxy and B (bucket fault-b) reached directly; an
 * encrypted database for the location records; and the failover store, its
 * prober and its copy-back job. Fresh health, proxy rule and records for
 * every test.
 */
export function useFaultWorld(gateway: () => RgwServer) {
  const world = {} as {
    dir: string;
    store: Store;
    proxy: FaultProxy;
    routing: StorageRouting;
    health: ProviderHealth;
    objects: FailoverTierStore;
    prober: HealthProber;
    copyBack: CopyBackJob;
    recovered: string[];
    a: string;
    b: string;
    scope: ReturnType<typeof workspaceScope>;
    logs: () => string;
  };

  beforeAll(async () => {
    const server = gateway();
    await createBucket(server, 'fault-a');
    await createBucket(server, 'fault-b');
    world.proxy = await FaultProxy.start(server.endpoint);
    world.dir = mkdtempSync(path.join(tmpdir(), 'fg-failover-'));
    const db = openEncryptedDatabase({
      path: path.join(world.dir, 'flowgento.db'),
      key: randomBytes(32),
    });
    migrate(db);
    world.store = new Store(db);
    const ring = new KeyRing(world.store, randomBytes(32));
    ring.prepare();
    const saved = (name: string, endpoint: string, bucket: string) =>
      world.store.storageProviders.save({
        name,
        preset: 's3-compatible',
        endpoint,
        region: 'us-east-1',
        bucket,
        accessKeyId: server.accessKeyId,
        verifiedAt: 1,
        wrapSecretAccessKey: (id) =>
          ring.wrap(server.secretAccessKey, storageSecretAad(id)),
      }).id;
    world.a = saved('A', world.proxy.url, 'fault-a');
    world.b = saved('B', server.endpoint, 'fault-b');
    world.store.storageTiers.setDefault('media-hot', [world.a, world.b]);
    world.scope = workspaceScope(world.store.workspaces.create('Clinic').id);
    const { logger, text } = capturedLogger();
    world.logs = text;
    world.routing = new StorageRouting(
      world.store,
      new StorageProviderSettings(world.store, ring, logger),
      new AuditLog(world.store),
      world.dir,
    );
  });

  beforeEach(() => {
    // Each test's copy-back sees only its own objects.
    world.store.db.prepare('DELETE FROM storage_object_locations').run();
    world.proxy.pass();
    world.recovered = [];
    world.health = new ProviderHealth();
    const { logger } = capturedLogger();
    world.objects = new FailoverTierStore(
      world.routing,
      world.store,
      world.health,
      logger,
      TEST_TIMEOUT_MS,
    );
    world.prober = new HealthProber(world.objects.calls, logger, (id) =>
      world.recovered.push(id),
    );
    world.copyBack = new CopyBackJob(world.objects, world.store, logger);
  });

  afterAll(async () => {
    await world.proxy?.close();
    world.store?.close();
    rmSync(world.dir, { recursive: true, force: true });
  });

  return world;
}
