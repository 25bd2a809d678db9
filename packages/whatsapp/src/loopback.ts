import { isIP } from 'node:net';
import { AppError } from '@flowgento/core';

/**
 * True for hosts that can only mean this machine: 127.0.0.0/8, ::1 and
 * `localhost`. Expects a WHATWG URL `hostname`, which has already folded
 * forms such as `127.1` or `[0:0::1]` into their canonical spelling.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && host === '::1';
}

/**
 * Parses a URL the appliance will send credentials or message content to.
 * Plain http is tolerated only on loopback, where the built-in simulator
 * lives; anywhere else the traffic would cross a network unencrypted.
 */
export function parseServiceUrl(raw: string, field: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new AppError('CONFIG_INVALID', `${field} is not a valid URL`, { cause });
  }

  if (url.username !== '' || url.password !== '') {
    throw new AppError('CONFIG_INVALID', `${field} must not carry credentials`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new AppError(
    'CONFIG_INVALID',
    `${field} must use https (plain http is allowed only for loopback hosts)`,
    { reason: 'insecure_url' },
  );
}
