import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestAppliance } from './harness.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../bin/flowgento.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a child process, as an operator would. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, FLOWGENTO_LOG_LEVEL: 'warn', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The flags that point a command at a test appliance's data folder and key file. */
export const folderFlags = (app: TestAppliance) => [
  '--data-dir',
  app.config.dataDir,
  '--key-file',
  app.running.appliance.keyFilePath!,
];
