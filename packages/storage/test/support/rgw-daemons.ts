import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The Ceph daemons of the S3 tests, started and stopped by PID. No vitest
// import here: the run's global set-up (`rgw-global.ts`) uses this too.

/** A running RADOS Gateway on 127.0.0.1 and the keys of its one S3 user. */
export interface RgwServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** How long the start took, for the record. */
  startSeconds: number;
}

const START_SCRIPT = fileURLToPath(
  new URL('../../../../scripts/rgw/start-rgw.sh', import.meta.url),
);
// Gateway first: an OSD whose monitor is gone waits ~5 s before it exits.
const STOP_ORDER = ['client.', 'osd.', 'mon.'];

/** Stops the run's shared gateway, if a file started one (global teardown). */
export async function stopSharedGateway(root: string): Promise<void> {
  await stop(path.join(root, 'cluster'));
  rmSync(root, { recursive: true, force: true });
}

/** Kills the run's shared gateway at once, for an exit without teardown. */
export function killSharedGateway(root: string): void {
  killAll(path.join(root, 'cluster'), 'SIGKILL');
}

export async function start(
  dir: string,
  env: Record<string, string> = {},
): Promise<RgwServer> {
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
      ...env,
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

export async function stop(dir: string): Promise<void> {
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

export function killAll(dir: string, signal: NodeJS.Signals): void {
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

export function onPath(tool: string): boolean {
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

export function run(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<void> {
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
