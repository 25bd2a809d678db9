import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningAppliance } from '../../server/src/server.ts';
import { ApiClient } from '../../server/test/harness.ts';
import { OWNER } from '../../server/test/flows.ts';
import { networkStepReason } from '../src/network-choice.ts';
import {
  childLogLevel,
  launchServer,
  type ServerProcess,
} from '../src/server-process.ts';
import {
  backoffDelay,
  createSupervisor,
  type Supervisor,
  type SupervisorState,
} from '../src/supervisor.ts';

const SERVER_ENTRY = resolve(import.meta.dirname, '../../server/bin/flowgento.mjs');
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
    probe.on('error', fail);
  });
}

/** The real `flowgento serve` on loopback, its key held only by this test. */
async function supervisedAppliance(
  options: {
    stopBy?: 'signal' | 'pipe';
    maxCrashesInRow?: number;
    passphrase?: string;
    logLevel?: string;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'fg-desktop-'));
  const rootKey = randomBytes(32);
  const port = await freePort();
  const states: SupervisorState[] = [];
  const launched: ServerProcess[] = [];
  const supervisor: Supervisor = createSupervisor({
    start: () => {
      const proc = launchServer({
        nodePath: process.execPath,
        serverEntry: SERVER_ENTRY,
        dataDir: join(dir, 'data'),
        keyLine: () =>
          JSON.stringify(
            options.passphrase
              ? { passphrase: options.passphrase }
              : { rootKey: rootKey.toString('hex') },
          ),
        stopBy: options.stopBy,
        env: {
          FLOWGENTO_PORT: String(port),
          FLOWGENTO_HOST: '127.0.0.1',
          FLOWGENTO_HTTP_PORT: 'off',
          FLOWGENTO_SIMULATOR: 'off',
          FLOWGENTO_BACKUP: 'off',
          FLOWGENTO_LOG_LEVEL: options.logLevel ?? 'info',
          // The key comes only through the pipe: a key file here would be a second source.
          FLOWGENTO_KEY_FILE: join(dir, 'no-such.key'),
        },
      });
      launched.push(proc);
      return proc;
    },
    onState: (state) => states.push(state),
    initialBackoffMs: 300,
    maxBackoffMs: 5000,
    stableAfterMs: 60_000,
    maxCrashesInRow: options.maxCrashesInRow,
    stopTimeoutMs: 20_000,
  });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => supervisor.stop());
  return { dir, port, rootKey, supervisor, states, launched };
}

function clientOf(url: string, caCertPem: string): ApiClient {
  return new ApiClient(
    () => ({ url, tls: { caCertPem } }) as unknown as RunningAppliance,
  );
}

async function caOf(url: string): Promise<string> {
  const { request } = await import('node:https');
  return new Promise((done, fail) => {
    // Fetched unverified only to be pinned: the test compares its fingerprint below.
    request(`${url}/ca.crt`, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done(body));
    })
      .on('error', fail)
      .end();
  });
}

function waitFor(states: SupervisorState[], phase: SupervisorState['phase'], after = 0) {
  return expect
    .poll(() => states.slice(after).some((s) => s.phase === phase), { timeout: 30_000 })
    .toBe(true);
}

describe('the desktop app runs the appliance server as a supervised child', () => {
  it('starts the real server with the key from the pipe and no key file', async () => {
    const world = await supervisedAppliance();
    const ready = await world.supervisor.start();

    expect(ready.url).toBe(`https://127.0.0.1:${world.port}`);
    expect(ready.needsSetup).toBe(true);
    expect(world.launched[0]!.setupCode()).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);
    const tail = world.launched[0]!.tail().join('\n');
    expect(tail).not.toContain(world.rootKey.toString('hex'));
    // The code is handed to the setup screen, never kept in a log.
    expect(tail).not.toContain(world.launched[0]!.setupCode()!);
    expect(world.supervisor.state()).toMatchObject({ phase: 'running', restarts: 0 });
  }, 60_000);

  it('comes up even when the desktop session sets a quiet log level', async () => {
    const world = await supervisedAppliance({ logLevel: 'warn' });
    const ready = await world.supervisor.start();
    expect(ready.url).toBe(`https://127.0.0.1:${world.port}`);
    expect(childLogLevel('error')).toBe('info');
    expect(childLogLevel('debug')).toBe('debug');
  }, 60_000);

  it('starts with a passphrase handed over instead, and records passphrase mode', async () => {
    const passphrase = 'correct horse battery staple';
    const world = await supervisedAppliance({ passphrase });
    await world.supervisor.start();

    const state = JSON.parse(
      readFileSync(join(world.dir, 'data', 'appliance.json'), 'utf8'),
    ) as { keySetup: { mode: string } };
    expect(state.keySetup.mode).toBe('passphrase');
    const log = world.launched[0]!.tail().join('\n');
    expect(log).toContain('handed over by the desktop app');
    expect(log).not.toContain(passphrase);
  }, 60_000);

  it('restarts a crashed server after a pause that grows, on the same port', async () => {
    const world = await supervisedAppliance();
    await world.supervisor.start();

    for (const crash of [1, 2]) {
      const before = world.states.length;
      world.supervisor.current()!.kill();
      await waitFor(world.states, 'running', before);
      const pause = world.states
        .slice(before)
        .find((s) => s.phase === 'restarting') as Extract<
        SupervisorState,
        { phase: 'restarting' }
      >;
      expect(pause).toMatchObject({ restarts: crash, exit: { signal: 'SIGKILL' } });
      expect(pause.inMs).toBe(300 * 2 ** (crash - 1));
    }
    expect(world.launched).toHaveLength(3);
    expect(new Set(world.launched.map((p) => p.pid)).size).toBe(3);
    const ca = await caOf(`https://127.0.0.1:${world.port}`);
    expect(ca).toContain('BEGIN CERTIFICATE');
  }, 90_000);

  it('stops cleanly with SIGTERM, and every acknowledged write is there after a restart', async () => {
    const world = await supervisedAppliance();
    const ready = await world.supervisor.start();
    const ca = await caOf(ready.url);
    const owner = clientOf(ready.url, ca);
    await owner.mutate('auth.setup', {
      setupCode: world.launched[0]!.setupCode(),
      workspaceName: 'Acme Support',
      ...OWNER,
    });

    // Writes in flight when the stop arrives: those answered must survive.
    const answered: string[] = [];
    const writes = Array.from({ length: 40 }, (_, i) =>
      owner
        .mutate('members.invite', { role: 'AGENT', email: `agent${i}@example.test` })
        .then(() => answered.push(`agent${i}@example.test`))
        .catch(() => undefined),
    );
    await expect.poll(() => answered.length, { timeout: 20_000 }).toBeGreaterThan(3);
    const exit = await world.supervisor.stop();
    await Promise.all(writes);

    expect(exit, world.launched[0]!.tail().join('\n')).toEqual({ code: 0, signal: null });
    expect(world.supervisor.state()).toEqual({ phase: 'stopped' });
    expect(world.launched[0]!.tail().join('\n')).toContain('"msg":"shutting down"');
    expect(world.states.some((s) => s.phase === 'restarting')).toBe(false);

    await world.supervisor.start();
    const again = clientOf(ready.url, ca);
    await again.mutate('auth.login', { email: OWNER.email, password: OWNER.password });
    const pending = await again.query<{ email: string }[]>('members.pendingInvites');
    const stored = new Set(pending.map((invite) => invite.email));
    expect(answered.filter((email) => !stored.has(email))).toEqual([]);
  }, 90_000);

  it('prints the handed-over key in every recovery kit, the second as the first', async () => {
    const world = await supervisedAppliance();
    const ready = await world.supervisor.start();
    const owner = clientOf(ready.url, await caOf(ready.url));
    await owner.mutate('auth.setup', {
      setupCode: world.launched[0]!.setupCode(),
      workspaceName: 'Acme Support',
      ...OWNER,
    });

    const grouped = world.rootKey.toString('hex').match(/.{8}/g)!.join(' ');
    for (let kitNumber = 1; kitNumber <= 2; kitNumber += 1) {
      const kit = await owner.mutate<{ rootKey: { hex: string } | null }>('backup.kit');
      expect(kit.rootKey).toEqual({ hex: grouped });
    }
  }, 60_000);

  it('stops cleanly when the key pipe closes, as on Windows or when the app dies', async () => {
    const world = await supervisedAppliance({ stopBy: 'pipe' });
    await world.supervisor.start();

    const exit = await world.supervisor.stop();

    expect(exit).toEqual({ code: 0, signal: null });
    const log = world.launched[0]!.tail().join('\n');
    expect(log).toContain('"signal":"SIGHUP","msg":"shutting down"');
    expect(log).not.toMatch(/"level":(50|60)/);
  }, 60_000);

  it('a start on a taken port fails with a reason that brings back the network step', async () => {
    const world = await supervisedAppliance();
    const squatter = createServer();
    await new Promise<void>((done) => squatter.listen(world.port, '127.0.0.1', done));
    cleanups.push(() => new Promise((done) => squatter.close(done)));

    const failure = await world.supervisor.start().then(
      () => null,
      (error: Error) => error.message,
    );
    expect(networkStepReason({ advertise: null, port: world.port }, [], failure)).toMatch(
      new RegExp(`Port ${world.port} is in use`),
    );
    expect(world.launched).toHaveLength(1);
  }, 60_000);

  it('does not restart a server that never came up, and says why', async () => {
    const world = await supervisedAppliance();
    await world.supervisor.start();
    await world.supervisor.stop();
    // Another key for the same data folder: the server refuses it before listening.
    world.rootKey.fill(7);
    await expect(world.supervisor.start()).rejects.toThrow(/key check does not match/);
    expect(world.supervisor.state()).toMatchObject({ phase: 'failed' });
    expect(world.launched).toHaveLength(2);
  }, 60_000);

  it('gives up after too many quick crashes in a row, and says so', async () => {
    const world = await supervisedAppliance({ maxCrashesInRow: 2 });
    await world.supervisor.start();
    const before = world.states.length;
    world.supervisor.current()!.kill();
    await waitFor(world.states, 'running', before);
    world.supervisor.current()!.kill();

    await waitFor(world.states, 'failed');
    expect(world.supervisor.state()).toMatchObject({
      phase: 'failed',
      why: 'The appliance server crashed 2 times in a row',
      exit: { signal: 'SIGKILL' },
    });
    expect(world.launched).toHaveLength(2);
    expect(world.supervisor.current()).toBeNull();
  }, 90_000);

  it('caps the pause between restarts', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 1000, 30_000))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });
});
