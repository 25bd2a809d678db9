/**
 * The appliance as `npm start` runs it (`flowgento serve` under Node, tsx
 * compiling on load), on loopback: how long until /healthz answers, and its
 * resident memory once ready and after a burst of inbox list calls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InboxData } from './inbox-data.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_LIMIT_MS = 60_000;

export interface ServeResult {
  readyMs: number;
  rssReadyMiB: number;
  rssAfterTrafficMiB: number | null;
  calls: number;
}

/** Starts the appliance on `data`, measures, and stops it. */
export async function measureServe(
  data: InboxData,
  traffic: number,
): Promise<ServeResult> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['apps/server/bin/flowgento.mjs', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...data.env, FLOWGENTO_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const ca = await waitForReady(child, port, data, () => stderr);
    const readyMs = performance.now() - started;
    const rssReadyMiB = residentMiB(child.pid!);
    if (traffic === 0)
      return { readyMs, rssReadyMiB, rssAfterTrafficMiB: null, calls: 0 };

    const client = { port, ca, cookie: await signIn(port, ca, data) };
    const filters = ['all', 'unassigned', 'mine'] as const;
    for (let i = 0; i < traffic; i += 1) {
      const input = encodeURIComponent(JSON.stringify({ assigned: filters[i % 3] }));
      const reply = await get(client, `/trpc/inbox.conversations?input=${input}`);
      if (reply.status !== 200) throw new Error(`inbox list answered ${reply.status}`);
    }
    return {
      readyMs,
      rssReadyMiB,
      rssAfterTrafficMiB: residentMiB(child.pid!),
      calls: traffic,
    };
  } finally {
    await stop(child);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls /healthz every 5 ms; resolves with the CA once it answers 200. */
async function waitForReady(
  child: ChildProcess,
  port: number,
  data: InboxData,
  stderr: () => string,
): Promise<string> {
  const caPath = join(data.env['FLOWGENTO_DATA_DIR']!, 'tls', 'ca.crt');
  const deadline = performance.now() + READY_LIMIT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the appliance exited with ${child.exitCode}:\n${stderr()}`);
    }
    try {
      const ca = readFileSync(caPath, 'utf8');
      const reply = await get({ port, ca, cookie: undefined }, '/healthz');
      if (reply.status === 200) return ca;
    } catch {
      // Not listening yet, or the CA is still being written.
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`the appliance was not ready within ${READY_LIMIT_MS} ms`);
}

/** VmRSS of a process, from /proc (Linux). */
function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

interface Client {
  port: number;
  ca: string;
  cookie: string | undefined;
}

async function signIn(port: number, ca: string, data: InboxData): Promise<string> {
  const reply = await send({ port, ca, cookie: undefined }, 'POST', '/trpc/auth.login', {
    email: data.workspaces[0]!.ownerEmail,
    password: data.password,
  });
  const cookie = [reply.setCookie ?? []].flat()[0]?.split(';')[0];
  if (reply.status !== 200 || !cookie)
    throw new Error(`sign-in answered ${reply.status}`);
  return cookie;
}

const get = (client: Client, path: string) => send(client, 'GET', path);

function send(
  client: Client,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; setCookie: string[] | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: client.port,
        method,
        path,
        ca: client.ca,
        servername: 'localhost',
        agent: false,
        headers: {
          ...(client.cookie ? { cookie: client.cookie } : {}),
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'x-flowgento-request': '1' }),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] }),
        );
      },
    );
    // A request the appliance never answers fails the run instead of hanging it.
    req.setTimeout(10_000, () => req.destroy(new Error(`${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
