import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  type RgwServer,
  killAll,
  onPath,
  run,
  sleep,
  start,
  stop,
} from './rgw-daemons.ts';

export type { RgwServer };

export const CEPH_INSTALL =
  'apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd';

const CEPH_TOOLS = ['ceph', 'ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin'];

/**
 * A gateway for this test file, with an S3 user of its own. Under `vitest
 * run` the gateway is shared by every file of the run (`rgw-global.ts`): the
 * first file that needs it starts it, and each file gets its own Ceph tenant,
 * so bucket names never collide between files. Run any other way, the file
 * starts a gateway of its own (in `beforeAll`) and stops it by PID (in
 * `afterAll`). Without Ceph installed it fails, naming the command that
 * installs it: these tests never skip.
 */
export function useRgw(): () => RgwServer {
  let server: RgwServer | undefined;
  let dir: string | undefined;
  // Stops the daemons if the test process exits without reaching afterAll.
  const onExit = () => {
    if (dir) killAll(dir, 'SIGKILL');
  };

  beforeAll(async () => {
    const missing = CEPH_TOOLS.filter((tool) => !onPath(tool));
    if (missing.length > 0) {
      throw new Error(
        `The S3 tests run against Ceph's RADOS Gateway, but ${missing.join(', ')} ` +
          `${missing.length === 1 ? 'is' : 'are'} missing. Install it with:\n  ${CEPH_INSTALL}`,
      );
    }
    const shared = inject('fgSharedRgwDir');
    if (shared) {
      server = await tenantOf(await sharedGateway(shared));
      return;
    }
    dir = mkdtempSync(path.join(tmpdir(), 'fg-rgw-'));
    process.once('exit', onExit);
    server = await start(dir);
  }, 90_000);

  afterAll(async () => {
    if (dir) await stop(dir);
    process.off('exit', onExit);
  }, 30_000);

  return () => {
    if (!server) throw new Error('The gateway runs only inside this test file');
    return server;
  };
}

/** What the file that started the shared gateway leaves for the others. */
interface SharedGateway extends RgwServer {
  conf: string;
}

const SHARED_MEMSTORE_BYTES = String(4 * 1024 ** 3);

/**
 * The run's shared gateway: whoever creates the lock folder starts it and
 * writes `ready.json` (or `failed.txt`); everyone else waits for either.
 */
async function sharedGateway(root: string): Promise<SharedGateway> {
  const ready = path.join(root, 'ready.json');
  const failed = path.join(root, 'failed.txt');
  let starter = false;
  try {
    mkdirSync(path.join(root, 'lock'));
    starter = true;
  } catch {
    // Another file is starting it, or has.
  }
  if (starter) {
    const cluster = path.join(root, 'cluster');
    try {
      const server = await start(cluster, { RGW_MEMSTORE_BYTES: SHARED_MEMSTORE_BYTES });
      watchRunner(root);
      const shared: SharedGateway = { ...server, conf: path.join(cluster, 'ceph.conf') };
      writeFileSync(`${ready}.part`, JSON.stringify(shared));
      renameSync(`${ready}.part`, ready);
      return shared;
    } catch (error) {
      writeFileSync(failed, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
  const deadline = Date.now() + 85_000;
  while (Date.now() < deadline) {
    if (existsSync(ready))
      return JSON.parse(readFileSync(ready, 'utf8')) as SharedGateway;
    if (existsSync(failed)) {
      throw new Error(
        `The shared gateway did not start: ${readFileSync(failed, 'utf8')}`,
      );
    }
    await sleep(100);
  }
  throw new Error('The shared gateway did not start within 85 s');
}

/**
 * Stops the shared gateway once the vitest process that owns this worker is
 * gone, however it ended: the global teardown never runs after a kill or an
 * interrupt, and the daemons would outlive the run.
 */
function watchRunner(root: string): void {
  const stopScript = fileURLToPath(
    new URL('../../../../scripts/rgw/stop-rgw.sh', import.meta.url),
  );
  const watch =
    'while kill -0 "$1" 2>/dev/null; do sleep 1; done; "$2" "$3/cluster"; rm -rf "$3"';
  spawn('sh', ['-c', watch, 'rgw-watch', String(process.ppid), stopScript, root], {
    detached: true,
    stdio: 'ignore',
  }).unref();
}

/** A Ceph tenant and S3 user of this test file's own on the shared gateway. */
async function tenantOf(shared: SharedGateway): Promise<RgwServer> {
  const tenant = `t${randomBytes(6).toString('hex')}`;
  const keys = {
    accessKeyId: `FGTEST${randomBytes(6).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  // prettier-ignore
  await run('radosgw-admin', [
    '-c', shared.conf, 'user', 'create', `--tenant=${tenant}`, '--uid=flowgento-test',
    '--display-name=Flowgento tests', `--access-key=${keys.accessKeyId}`,
    `--secret-key=${keys.secretAccessKey}`,
  ], {});
  return { endpoint: shared.endpoint, ...keys, startSeconds: shared.startSeconds };
}

/** Creates a bucket as the test user (the provider never creates buckets). */
export async function createBucket(server: RgwServer, bucket: string): Promise<void> {
  // Ceph refuses CreateBucket signed for region `auto` (InvalidLocationConstraint).
  const client = new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: {
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
    },
  });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
}
