// One run of the appliance server as a child process: the same `flowgento
// serve` as `npm start`, on a Node runtime (never Electron's), handed its
// key over an inherited pipe.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { parseReadyLine, type ServerReady } from './ready-line.ts';

/** The descriptor the key travels on: the first after stdin, stdout, stderr. */
export const KEY_FD = 3;

export interface ServerLaunch {
  /** The Node runtime shipped with the app (or `node` in development). */
  nodePath: string;
  /** apps/server/bin/flowgento.mjs */
  serverEntry: string;
  dataDir: string;
  /** One JSON line: `{"rootKey":"<hex>"}` or `{"passphrase":"…"}`; read at each start. */
  keyLine: () => string;
  /** Extra environment (port, host, log level); secrets never go here. */
  env?: Record<string, string>;
  /**
   * How a clean stop is asked for. Windows has no SIGTERM (kill() there
   * terminates at once), so it closes the key pipe, which the server reads
   * as "the app is gone" and stops as on a signal. Default: by platform.
   */
  stopBy?: 'signal' | 'pipe';
  /** Every stdout and stderr line but the setup code's, for the app's log file. */
  onLine?: (line: string) => void;
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  pid: number | undefined;
  /** Resolves once the server listens; never resolves if it exits first. */
  ready: Promise<ServerReady>;
  exited: Promise<ServerExit>;
  /** The one-time setup code, once the banner printed it (first run only). */
  setupCode(): string | null;
  /** The last lines it wrote, to show why a start failed. */
  tail(): string[];
  /** Asks for a clean stop: SIGTERM, or the end of the key pipe (see `stopBy`). */
  requestStop(): void;
  /** Last resort, after a clean stop took too long. */
  kill(): void;
}

const TAIL_LINES = 20;
const SETUP_CODE_LINE = /One-time setup code: ([A-Z0-9-]+)/;

/** Lines kept out of log files: the one-time setup code is handed on, not stored. */
export function isLoggable(line: string): boolean {
  return !SETUP_CODE_LINE.test(line);
}

/**
 * The child's log level. The shell learns that the server is ready from its
 * info-level "appliance listening" line, so a quieter level (inherited from
 * the desktop session, or set in the data folder's config, which the
 * variable overrides) would leave the app at "Starting…" forever. A louder
 * one (debug, trace) is kept for support.
 */
export function childLogLevel(inherited: string | undefined): string {
  return inherited === 'debug' || inherited === 'trace' ? inherited : 'info';
}

export function launchServer(launch: ServerLaunch): ServerProcess {
  // Variables that would change how the key is found are not passed on.
  const env: NodeJS.ProcessEnv = { ...process.env, ...launch.env };
  for (const name of ['FLOWGENTO_DB_PASSPHRASE', 'FLOWGENTO_NEW_DB_PASSPHRASE']) {
    delete env[name];
  }
  env['FLOWGENTO_LOG_LEVEL'] = childLogLevel(env['FLOWGENTO_LOG_LEVEL']);
  env['FLOWGENTO_DATA_DIR'] = launch.dataDir;
  delete env['ELECTRON_RUN_AS_NODE'];

  const child: ChildProcess = spawn(
    launch.nodePath,
    [launch.serverEntry, 'serve', '--key-fd', String(KEY_FD)],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env, windowsHide: true },
  );
  const keyPipe = child.stdio[KEY_FD] as Writable;
  const stopBy = launch.stopBy ?? (process.platform === 'win32' ? 'pipe' : 'signal');
  // The pipe stays open: its end tells the server that the app is gone.
  keyPipe.on('error', () => undefined);
  keyPipe.write(`${launch.keyLine()}\n`);

  const lines: string[] = [];
  let setupCode: string | null = null;
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<ServerReady>((resolve) => {
    let announced: ServerReady | null = null;
    const read = (line: string) => {
      if (isLoggable(line)) {
        lines.push(line);
        if (lines.length > TAIL_LINES) lines.shift();
        launch.onLine?.(line);
      }
      setupCode = SETUP_CODE_LINE.exec(line)?.[1] ?? setupCode;
      announced ??= parseReadyLine(line);
      // The banner with the setup code follows the ready line: wait for it too.
      if (announced && (!announced.needsSetup || setupCode)) resolve(announced);
    };
    createInterface({ input: child.stdout! }).on('line', read);
    createInterface({ input: child.stderr! }).on('line', read);
  });

  return {
    pid: child.pid,
    ready,
    exited,
    setupCode: () => setupCode,
    tail: () => [...lines],
    requestStop() {
      if (stopBy === 'pipe') keyPipe.end();
      else child.kill('SIGTERM');
    },
    kill() {
      keyPipe.destroy();
      child.kill('SIGKILL');
    },
  };
}
