import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';

/** A running RADOS Gateway on 127.0.0.1 and the keys of its one S3 user. */
export interface RgwServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** How long the start took, for the record. */
  startSeconds: number;
}

export const CEPH_INSTALL =
  'apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd';

const START_SCRIPT = fileURLToPath(
  new URL('../../../../scripts/rgw/start-rgw.sh', import.meta.url),
);
const CEPH_TOOLS = ['ceph', 'ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin'];
// Gateway first: an OSD whose monitor is gone waits ~5 s before it exits.
const STOP_ORDER = ['client.', 'osd.', 'mon.'];

/**
 * Starts a gateway for this test file (in `beforeAll`) and stops it by PID
 * (in `afterAll`). Without Ceph installed it fails, naming the command that
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
    dir = mkdtempSync(path.join(tmpdir(), 'fg-rgw-'));
    process.once('exit', onExit);
    server = await start(dir);
  }, 60_000);

  afterAll(async () => {
    if (dir) await stop(dir);
    process.off('exit', onExit);
  }, 30_000);

  return () => {
    if (!server) throw new Error('The gateway runs only inside this test file');
    return server;
  };
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

async function start(dir: string): Promise<RgwServer> {
  const [rgwPort, monPort] = [await freePort(), await freePort()];
  const keys = {
    accessKeyId: `FGTEST${randomBytes(6).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  const began = performance.now();
  try {
    await run(START_SCRIPT, [dir, String(rgwPort), String(monPort)], {
      RGW_ACCESS_KEY: keys.accessKeyId,
      RGW_SECRET_KEY: keys.secretAccessKey,
    });
  } catch (error) {
    await stop(dir);
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${rgwPort}`,
    ...keys,
    startSeconds: (performance.now() - began) / 1000,
  };
}

async function stop(dir: string): Promise<void> {
  for (const kind of STOP_ORDER) {
    for (const pid of daemonPids(dir, kind)) {
      if (!running(pid)) continue;
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 10_000;
      while (running(pid) && Date.now() < deadline) await sleep(50);
      if (running(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

function killAll(dir: string, signal: NodeJS.Signals): void {
  for (const kind of STOP_ORDER) {
    for (const pid of daemonPids(dir, kind)) {
      if (running(pid)) process.kill(pid, signal);
    }
  }
}

/** The PIDs the daemons of this folder wrote, and only those. */
function daemonPids(dir: string, kind: string): number[] {
  const run = path.join(dir, 'run');
  if (!existsSync(run)) return [];
  return readdirSync(run)
    .filter((name) => name.startsWith(kind) && name.endsWith('.pid'))
    .map((name) => Number(readFileSync(path.join(run, name), 'utf8').trim()))
    .filter((pid) => Number.isSafeInteger(pid) && pid > 1);
}

/** Alive and not a zombie (daemons are reparented; their reaper may be slow). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function onPath(tool: string): boolean {
  return (process.env['PATH'] ?? '')
    .split(path.delimiter)
    .some((folder) => folder !== '' && existsSync(path.join(folder, tool)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(file: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { env: { ...process.env, ...env }, timeout: 55_000 },
      (error, _stdout, stderr) => {
        if (error) reject(new Error(`${path.basename(file)} failed: ${stderr.trim()}`));
        else resolve();
      },
    );
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
