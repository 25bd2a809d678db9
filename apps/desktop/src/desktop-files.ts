// Where the desktop app keeps its files, and how it finds the server and the
// Node runtime it runs the server on (shipped with the app, or `node`).
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { join } from 'node:path';
import type { NetworkSettings } from './network-choice.ts';

export interface DesktopPaths {
  /** The appliance's data folder. */
  dataDir: string;
  /** How the root key is kept (`key-storage.json`). */
  keyStorage: string;
  /** The first-run network choice (`desktop.json`). */
  settings: string;
  /** What the server printed (its logs are already redacted), for support. */
  serverLog: string;
}

export function desktopPaths(userData: string): DesktopPaths {
  return {
    dataDir: join(userData, 'data'),
    keyStorage: join(userData, 'key-storage.json'),
    settings: join(userData, 'desktop.json'),
    serverLog: join(userData, 'logs', 'server.log'),
  };
}

export interface RuntimePaths {
  nodePath: string;
  serverEntry: string;
}

/**
 * Packaged: `resources/node/bin/node` (`node.exe` on Windows) and
 * `resources/server/` (apps/server with its production dependencies; see
 * scripts/build-installers.mjs). In development: FLOWGENTO_NODE or `node` on
 * PATH, and the repository's apps/server.
 */
export function runtimePaths(options: {
  packaged: boolean;
  resourcesPath: string;
  appPath: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}): RuntimePaths {
  const entry = ['apps', 'server', 'bin', 'flowgento.mjs'];
  if (!options.packaged) {
    return {
      nodePath: options.env['FLOWGENTO_NODE'] ?? 'node',
      serverEntry: join(options.appPath, ...entry),
    };
  }
  const binary = options.platform === 'win32' ? 'node.exe' : join('bin', 'node');
  return {
    nodePath: join(options.resourcesPath, 'node', binary),
    serverEntry: join(options.resourcesPath, 'server', ...entry),
  };
}

/** A file of the app's that is there but cannot be read: names it and what to do. */
export class DamagedFileError extends Error {
  override readonly name = 'DamagedFileError';
  constructor(
    readonly file: string,
    whatToDo: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${file} is damaged (it was edited by hand, or cut short); ${whatToDo}`,
      options,
    );
  }
}

/** The parsed JSON object in `path`; anything else is a DamagedFileError. */
export function readJsonObject(path: string, whatToDo: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DamagedFileError(path, whatToDo, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DamagedFileError(path, whatToDo);
  }
  return value as Record<string, unknown>;
}

const NETWORK_AGAIN = 'choose the address and port again: the new choice replaces it.';

/** desktop.json: null when absent; a DamagedFileError when it cannot be read. */
export function readNetworkSettings(path: string): NetworkSettings | null {
  if (!existsSync(path)) return null;
  const value = readJsonObject(path, NETWORK_AGAIN);
  if (typeof value['port'] !== 'number') throw new DamagedFileError(path, NETWORK_AGAIN);
  return {
    advertise: typeof value['advertise'] === 'string' ? value['advertise'] : null,
    port: value['port'],
  };
}

/**
 * The recorded network choice for a start, and why the network step must
 * be shown if desktop.json is damaged (the step then writes it anew).
 */
export function recordedNetwork(path: string): {
  settings: NetworkSettings | null;
  damaged: string | null;
} {
  try {
    return { settings: readNetworkSettings(path), damaged: null };
  } catch (error) {
    if (error instanceof DamagedFileError)
      return { settings: null, damaged: error.message };
    throw error;
  }
}

export function writeNetworkSettings(path: string, settings: NetworkSettings): void {
  writeFileSync(`${path}.partial`, `${JSON.stringify(settings, null, 2)}\n`, {
    mode: 0o600,
  });
  renameSync(`${path}.partial`, path);
}

const MAX_LOG_BYTES = 10 * 1024 * 1024;

/**
 * The server's log file, appended to (0600); past 10 MB the old one is kept
 * as `server.log.1` and a new one begins, so it never grows without end.
 */
export function openServerLog(path: string): WriteStream {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  if (existsSync(path) && statSync(path).size > MAX_LOG_BYTES)
    renameSync(path, `${path}.1`);
  return createWriteStream(path, { flags: 'a', mode: 0o600 });
}
