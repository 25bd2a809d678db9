// Keeps the appliance server running for the desktop app: starts it, restarts
// it after a crash with growing pauses, and stops it cleanly on quit.
import type { ServerReady } from './ready-line.ts';
import type { ServerExit, ServerProcess } from './server-process.ts';

export type SupervisorState =
  | { phase: 'starting'; attempt: number }
  | { phase: 'running'; ready: ServerReady; restarts: number; pid: number | undefined }
  | { phase: 'restarting'; exit: ServerExit; inMs: number; restarts: number }
  | { phase: 'failed'; exit: ServerExit; why: string; tail: string[] }
  | { phase: 'stopping' }
  | { phase: 'stopped' };

export interface SupervisorOptions {
  start: () => ServerProcess;
  onState?: (state: SupervisorState) => void;
  /** First pause after a crash; it doubles with each crash in a row. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Up this long, a run counts as healthy and the pause starts over. */
  stableAfterMs?: number;
  /** Quick crashes in a row (each within stableAfterMs of its start) that make it give up. */
  maxCrashesInRow?: number;
  /** How long a clean stop may take before the process is killed. */
  stopTimeoutMs?: number;
  /**
   * How long a run may take to say it is ready (migrations, a first CA, a
   * passphrase's scrypt) before it is killed and the start fails, saying so.
   */
  startTimeoutMs?: number;
  now?: () => number;
}

export interface Supervisor {
  /** Resolves when the first run listens; rejects if it never does. */
  start(): Promise<ServerReady>;
  /** Clean stop (no restart afterwards); resolves once the process has exited. */
  stop(): Promise<ServerExit | null>;
  state(): SupervisorState;
  current(): ServerProcess | null;
}

/** The pause before restart number `crashesInRow` (1-based). */
export function backoffDelay(
  crashesInRow: number,
  initialMs: number,
  maxMs: number,
): number {
  return Math.min(maxMs, initialMs * 2 ** Math.max(0, crashesInRow - 1));
}

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const initial = options.initialBackoffMs ?? 1000;
  const max = options.maxBackoffMs ?? 30_000;
  const stableAfter = options.stableAfterMs ?? 60_000;
  const maxCrashes = options.maxCrashesInRow ?? 5;
  const stopTimeout = options.stopTimeoutMs ?? 30_000;
  const startTimeout = options.startTimeoutMs ?? 120_000;
  const now = options.now ?? Date.now;

  let state: SupervisorState = { phase: 'stopped' };
  let child: ProcessRun | null = null;
  let crashesInRow = 0;
  let restarts = 0;
  let pending: ReturnType<typeof setTimeout> | null = null;
  let stopping = false;

  const set = (next: SupervisorState) => {
    state = next;
    options.onState?.(next);
  };

  function run(attempt: number): Promise<ServerReady> {
    set({ phase: 'starting', attempt });
    const proc = options.start();
    const startedAt = now();
    const current: ProcessRun = { process: proc, everReady: false };
    child = current;
    void proc.exited.then((exit) => onExit(current, exit, startedAt));
    const timer = setTimeout(() => {
      if (child !== current || current.everReady || stopping) return;
      // Forgotten first, so its exit is not taken for a crash to restart.
      child = null;
      fail(
        current,
        { code: null, signal: null },
        `The appliance server did not say it was ready within ${startTimeout / 1000} s`,
      );
      current.process.kill();
    }, startTimeout);
    void proc.exited.then(() => clearTimeout(timer));
    return new Promise((resolve, reject) => {
      current.failStart = reject;
      void proc.ready.then((ready) => {
        clearTimeout(timer);
        if (child !== current || stopping) return;
        current.everReady = true;
        set({ phase: 'running', ready, restarts, pid: proc.pid });
        resolve(ready);
      });
    });
  }

  function onExit(ended: ProcessRun, exit: ServerExit, startedAt: number): void {
    if (child !== ended) return;
    child = null;
    if (stopping) return;

    // A server that never came up on the first try has a reason (a wrong
    // key, a port in use) that a restart would only repeat.
    if (!ended.everReady && restarts === 0) {
      fail(ended, exit, 'The appliance server stopped before it was ready');
      return;
    }
    crashesInRow = now() - startedAt >= stableAfter ? 1 : crashesInRow + 1;
    if (crashesInRow >= maxCrashes) {
      fail(ended, exit, `The appliance server crashed ${crashesInRow} times in a row`);
      return;
    }
    const inMs = backoffDelay(crashesInRow, initial, max);
    restarts += 1;
    set({ phase: 'restarting', exit, inMs, restarts });
    pending = setTimeout(() => {
      pending = null;
      void runAgain();
    }, inMs);
  }

  // A restart that fails is seen by onExit like any other crash.
  async function runAgain(): Promise<void> {
    try {
      await run(restarts + 1);
    } catch {
      // onExit has already decided what comes next.
    }
  }

  function fail(ended: ProcessRun, exit: ServerExit, why: string): void {
    const tail = ended.process.tail();
    set({ phase: 'failed', exit, why, tail });
    ended.failStart?.(new Error(`${why}:\n${tail.join('\n')}`));
  }

  return {
    start() {
      if (child || pending) throw new Error('The supervisor is already running');
      stopping = false;
      crashesInRow = 0;
      restarts = 0;
      return run(1);
    },
    async stop() {
      stopping = true;
      if (pending) clearTimeout(pending);
      pending = null;
      const running = child;
      if (!running) {
        set({ phase: 'stopped' });
        return null;
      }
      set({ phase: 'stopping' });
      running.process.requestStop();
      const timer = setTimeout(() => running.process.kill(), stopTimeout);
      const exit = await running.process.exited;
      clearTimeout(timer);
      child = null;
      set({ phase: 'stopped' });
      return exit;
    },
    state: () => state,
    current: () => child?.process ?? null,
  };
}

interface ProcessRun {
  process: ServerProcess;
  everReady: boolean;
  failStart?: (error: Error) => void;
}
