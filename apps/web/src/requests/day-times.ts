/**
 * Date-only form fields name a day in the browser's time zone; the server
 * takes instants. These pick the instant the server will accept for a day:
 * never in the future, and late enough in the day that an event of that
 * day (a request received this afternoon) does not come after it.
 */

/** Local midnight of a `YYYY-MM-DD` day, `plusDays` later (a DST day included). */
function localMidnight(day: string, plusDays = 0): number {
  const [year = NaN, month = NaN, date = NaN] = day.split('-').map(Number);
  return new Date(year, month - 1, date + plusDays).getTime();
}

/**
 * A past day or today as an instant: now for today, the day's last
 * millisecond before. A future day stays in the future, so the server
 * refuses it rather than the form quietly moving it to today.
 */
export function instantOfPastDay(day: string, now = Date.now()): number {
  const start = localMidnight(day);
  return start > now ? start : Math.min(localMidnight(day, 1) - 1, now);
}

/**
 * A deadline day as an instant: its last millisecond, or `latest` when that
 * falls within the day (the last day the law allows ends at that instant).
 */
export function instantOfDeadlineDay(day: string, latest: number | null): number {
  const end = localMidnight(day, 1) - 1;
  return latest !== null && localMidnight(day) <= latest ? Math.min(end, latest) : end;
}

/** The browser-local `YYYY-MM-DD` of an instant, as a date field shows it. */
export function localDayOf(at: number): string {
  const date = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
