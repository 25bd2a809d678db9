import { createInterface } from 'node:readline';

/**
 * The parent ↔ child protocol of the benchmark's servers: the parent writes
 * one JSON line on the child's stdin (its settings), the child answers one
 * JSON line on stdout (`{ "port": n }`), and closing stdin asks it to stop.
 * Settings travel on stdin, not argv, because the bare server's include a
 * private key.
 */
export function readSettings<T>(): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error('the settings line is not JSON'));
      }
    });
    lines.once('close', () => reject(new Error('stdin closed before the settings line')));
  });
}

export function announcePort(port: number): void {
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

/** Runs `stop` once stdin ends (or on SIGTERM), then exits normally so --cpu-prof is written. */
export function onStopRequest(stop: () => Promise<void>): void {
  let stopping = false;
  const run = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.stdin.on('end', run);
  process.stdin.resume();
  process.once('SIGTERM', run);
}
