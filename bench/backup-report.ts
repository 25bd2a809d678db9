import type { Phases } from './backup-engine-runs.ts';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2
    ? sorted[Math.floor(middle)]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const WIDTHS = [30, 9, 9, 7, 8, 6];
function row(cells: string[]): string {
  const padded = cells.map((c, i) =>
    i === 0 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!),
  );
  return `${padded.join(' ').trimEnd()}\n`;
}

export const RATIO_HEADER = row(['', 'seconds', 'MiB/s', 'ratio', 'target', '']);

export function ratioRow(
  label: string,
  seconds: number,
  mibPerSecond: number,
  ratio: number,
  checked: boolean,
  ok: boolean,
  target: number,
): string {
  return row([
    label,
    seconds.toFixed(2),
    mibPerSecond.toFixed(1),
    ratio.toFixed(2),
    checked ? `≥ ${target.toFixed(2)}` : '',
    checked ? (ok ? 'PASS' : 'FAIL') : '',
  ]);
}

/** Each step's median over the runs, as indented lines under a heading. */
export function phaseLines(heading: string, runs: Phases[]): string {
  const steps = Object.keys(runs[0] ?? {});
  const lines = steps.map(
    (step) =>
      `    ${step.padEnd(30)} ${median(runs.map((r) => r[step]!))
        .toFixed(2)
        .padStart(7)}\n`,
  );
  return `  ${heading}\n${lines.join('')}`;
}
