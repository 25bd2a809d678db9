import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
// The appliance creates its CA and certificate on first start (RSA in JS).
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/** A server of the benchmark running in its own process, on 127.0.0.1. */
export interface ChildServer {
  label: string;
  pid: number;
  port: number;
  /** Closes its stdin and waits for a clean exit; SIGKILL by pid after a grace period. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

// Whatever way the benchmark ends, no server of its own outlives it.
process.on('exit', () => {
  for (const child of running) if (child.pid !== undefined) child.kill('SIGKILL');
});

/** Starts `script` (a path under the repository) and waits for its port. */
export function startChild(
  label: string,
  script: string,
  settings: unknown,
  nodeFlags: string[] = [],
): Promise<ChildServer> {
  const child = spawn(process.execPath, [...nodeFlags, 'scripts/run-ts.mjs', script], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.stdin.write(`${JSON.stringify(settings)}\n`);

  return new Promise((resolve, reject) => {
    let started = false;
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new Error(`${label} did not start in time`)),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      if (!started) fail(new Error(`${label} exited with code ${code} before listening`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      started = true;
      clearTimeout(timer);
      const { port } = JSON.parse(line) as { port: number };
      resolve({ label, pid: child.pid!, port, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin!.end();
  });
}

/**
 * CPU seconds a process has used so far, from /proc (Linux); null elsewhere.
 * Shows which side of the benchmark was the bottleneck.
 */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** CPU seconds all processes of the machine have used so far (Linux); null elsewhere. */
export function machineCpuSeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal …: all but idle and iowait.
    const busy = [1, 2, 3, 6, 7, 8].reduce((sum, i) => sum + Number(fields[i]), 0);
    return Number.isFinite(busy) ? busy / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

// USER_HZ: 100 on every Linux architecture Node supports.
const CLOCK_TICKS_PER_SECOND = 100;
