import type { Outputs } from './api.ts';

export type Message = Outputs['inbox']['conversation']['messages'][number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The 24-hour customer service window; no countdown can show more. */
const SERVICE_WINDOW = 24 * HOUR;

/** "Window open — closes in 23 h 10 m", or why a template is needed. */
export function serviceWindowText(closesAt: number | null, now: number): string {
  if (closesAt === null || closesAt <= now) return 'Window closed — a template is needed';
  // A browser clock behind the appliance's would otherwise show "24 h 3 m".
  const left = Math.min(closesAt - now, SERVICE_WINDOW - MINUTE);
  const hours = Math.floor(left / HOUR);
  const minutes = Math.floor((left % HOUR) / MINUTE);
  return `Window open — closes in ${hours} h ${minutes} m`;
}

export function windowOpen(closesAt: number | null, now: number): boolean {
  return closesAt !== null && closesAt > now;
}

/** What an agent reads under their own message. */
export function statusLabel(message: Message): string | null {
  switch (message.status) {
    case 'received':
      return null;
    case 'pending':
      // A transient refusal (rate limit, Meta down): the queue tries again.
      return message.errorTitle
        ? `Sending… (will retry: ${message.errorTitle})`
        : 'Sending…';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'read':
      return 'Read';
    case 'failed':
      return `Failed: ${message.errorTitle ?? 'the message could not be sent'}`;
  }
}

/** Today's times as 14:05, older ones with their date. */
export function shortTime(at: number, now = Date.now()): string {
  const date = new Date(at);
  const sameDay = new Date(now).toDateString() === date.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

export function fullTime(at: number): string {
  return new Date(at).toLocaleString(undefined, {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
}
