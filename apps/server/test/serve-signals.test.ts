import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../bin/flowgento.mjs');
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

interface LogLine {
  level: number;
  msg: string;
  signal?: string;
}

/**
 * Runs `flowgento serve` in its own process group, as a terminal runs
 * `npm start`, and once it is up sends what Ctrl-C brings: SIGINT to the
 * group, then the SIGTERM that scripts/start.mjs passes on to its child.
 */
async function serveThenCtrlC(): Promise<{
  code: number | null;
  lines: LogLine[];
  out: string;
}> {
  dir = mkdtempSync(join(tmpdir(), 'fg-signals-'));
  const child = spawn(process.execPath, [BIN, 'serve'], {
    detached: true,
    env: {
      ...process.env,
      FLOWGENTO_DATA_DIR: join(dir, 'data'),
      FLOWGENTO_KEY_FILE: join(dir, 'keys', 'root.key'),
      FLOWGENTO_PORT: '0',
      FLOWGENTO_HTTP_PORT: 'off',
      FLOWGENTO_HOST: '127.0.0.1',
      FLOWGENTO_SIMULATOR: 'off',
      FLOWGENTO_BACKUP: 'off',
      FLOWGENTO_LOG_LEVEL: 'info',
    },
  });
  let out = '';
  const exited = new Promise<number | null>((done) => child.on('exit', done));
  await new Promise<void>((up, fail) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // The banner's last line; a person reads it before pressing Ctrl-C.
      if (out.includes('Enter it on the setup page')) setTimeout(up, 300);
    });
    child.on('exit', () => fail(new Error(`serve exited early:\n${out}`)));
  });
  process.kill(-child.pid!, 'SIGINT');
  child.kill('SIGTERM');
  const code = await exited;
  const lines = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
  return { code, lines, out };
}

describe('stopping the appliance with Ctrl-C', () => {
  it('shuts down once, ignores the second signal, and logs no error', async () => {
    const { code, lines } = await serveThenCtrlC();

    // Before: a second close ran the audit keeper's last checkpoint after
    // the first had closed the database ("audit checkpoint failed").
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.msg === 'shutting down')).toHaveLength(1);
    expect(code).toBe(0);
  }, 60_000);
});

describe('the start banner', () => {
  it('names the address the appliance listens on, not localhost', async () => {
    const { out } = await serveThenCtrlC();

    // FLOWGENTO_HOST=127.0.0.1: localhost may resolve to ::1, where nothing listens.
    expect(out).toMatch(/^ {4}Open {8}https:\/\/127\.0\.0\.1:\d+$/m);
    expect(out).toMatch(/^ {4}CA cert {5}https:\/\/127\.0\.0\.1:\d+\/ca\.crt$/m);
    expect(out).not.toContain('localhost');
  }, 60_000);
});
