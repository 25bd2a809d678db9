import { HOUR_MS } from '@flowgento/core';

/** Free-form replies are allowed this long after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * HOUR_MS;

export function serviceWindowOpen(lastInboundAt: number | null, now: number): boolean {
  return lastInboundAt !== null && now - lastInboundAt < SERVICE_WINDOW_MS;
}

/** When the window closes, or null when it is closed already. */
export function serviceWindowClosesAt(
  lastInboundAt: number | null,
  now: number,
): number | null {
  return serviceWindowOpen(lastInboundAt, now) && lastInboundAt !== null
    ? lastInboundAt + SERVICE_WINDOW_MS
    : null;
}
