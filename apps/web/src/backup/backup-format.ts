import { fullTime } from '../format.ts';

/** A lag or an age: "0.8 s", "4 min", "2 h 5 min". */
export function durationText(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** A moment, or what "not yet" means where it is shown. */
export function whenText(at: number | null, never = 'not yet'): string {
  return at === null ? never : fullTime(at);
}

/** "from 3 Dec 2026, 02:00:00 to now-ish", or why there is no window yet. */
export function windowText(from: number | null, to: number | null): string {
  if (from === null || to === null) return 'nothing restorable yet';
  return `${fullTime(from)} to ${fullTime(to)}`;
}
