import { isIP } from 'node:net';
import { AppError } from '@flowgento/core';

/**
 * True only for loopback IP literals (127.0.0.0/8, ::1). Unlike the WhatsApp
 * simulator's rule, `localhost` does not count: a name goes through the
 * resolver, and credentials must not travel in clear on the say-so of a
 * hosts file.
 */
export function isLoopbackAddress(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && host === '::1';
}

/**
 * An S3 endpoint as its origin (`https://host[:port]`). It must be https:
 * the request signature protects the secret key but not the objects or
 * their names. Plain http is accepted only on a loopback address, where
 * tests run their own S3 server. Checked before any connection is made.
 */
export function parseEndpoint(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw endpointError('endpoint_invalid', 'The endpoint is required');
  }
  const text = raw.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw endpointError('endpoint_not_https', 'The endpoint must start with https://');
  }

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw endpointError('endpoint_invalid', 'The endpoint is not a valid URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw endpointError('endpoint_invalid', 'The endpoint must not carry credentials');
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw endpointError(
      'endpoint_invalid',
      'The endpoint is a scheme, a host and an optional port, without a path',
    );
  }

  if (url.protocol === 'https:') return url.origin;
  if (url.protocol === 'http:' && isLoopbackAddress(url.hostname)) return url.origin;
  throw endpointError(
    'endpoint_not_https',
    'The endpoint must use https:// (http:// is accepted only for 127.0.0.1 and ::1)',
  );
}

function endpointError(reason: string, message: string): AppError {
  return new AppError('INVALID_INPUT', message, {
    reason,
    details: { field: 'endpoint' },
  });
}
