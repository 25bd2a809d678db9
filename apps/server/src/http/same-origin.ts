import type { IncomingHttpHeaders } from 'node:http';

/**
 * True when a browser says the request was made by a page of another origin:
 * `Sec-Fetch-Site` other than `same-origin` (or `none`, typed by the person),
 * or an `Origin` that is not this appliance as the request addressed it.
 * Callers that are not browsers send neither and are held by the other
 * defences (the request header, SameSite cookies).
 */
export function fromAnotherOrigin(headers: IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = headers.origin;
  if (origin === undefined) return false;
  return headers.host === undefined || origin !== `https://${headers.host}`;
}
