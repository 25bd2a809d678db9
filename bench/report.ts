import type { LoadResult } from './load.ts';

export interface Summary {
  label: string;
  rate: number;
  p50: number;
  p99: number;
  errors: number;
}

/** Value at quantile `q` of an ascending array, by the nearest-rank method. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export function errorCount(result: LoadResult): number {
  let total = 0;
  for (const count of result.errors.values()) total += count;
  return total;
}

/** Median rate of a target's runs; latencies of all its measured answers pooled. */
export function summarise(label: string, runs: LoadResult[]): Summary {
  const rates = runs.map((run) => run.rate).sort((a, b) => a - b);
  const middle = rates.length / 2;
  const rate =
    rates.length % 2
      ? rates[Math.floor(middle)]!
      : (rates[middle - 1]! + rates[middle]!) / 2;
  const pooled = Float64Array.from(runs.flatMap((run) => [...run.latencies])).sort();
  return {
    label,
    rate,
    p50: quantile(pooled, 0.5),
    p99: quantile(pooled, 0.99),
    errors: runs.reduce((sum, run) => sum + errorCount(run), 0),
  };
}

const COLUMNS = [
  'run',
  'target',
  'msg/s',
  'p50 ms',
  'p99 ms',
  'errors',
  'server cpu',
  'client cpu',
  'others',
];
const WIDTHS = [8, 11, 9, 8, 8, 7, 11, 11, 7];

export function tableHeader(): string {
  return row(COLUMNS);
}

export function runRow(run: string, result: LoadResult): string {
  return row([
    run,
    result.label,
    whole(result.rate),
    ms(quantile(result.latencies, 0.5)),
    ms(quantile(result.latencies, 0.99)),
    String(errorCount(result)),
    percent(result.serverCpu),
    percent(result.clientCpu),
    percent(result.otherCpu),
  ]);
}

export function summaryRow(summary: Summary): string {
  return row([
    'median',
    summary.label,
    whole(summary.rate),
    ms(summary.p50),
    ms(summary.p99),
    String(summary.errors),
  ]);
}

function row(cells: string[]): string {
  const padded = cells.map((cell, i) =>
    i < 2 ? cell.padEnd(WIDTHS[i]!) : cell.padStart(WIDTHS[i]!),
  );
  return `${padded.join(' ').trimEnd()}\n`;
}

export const whole = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (value: number): string => (Number.isNaN(value) ? '-' : value.toFixed(2));
const percent = (share: number | null): string =>
  share === null ? '-' : `${Math.round(share * 100)}%`;
