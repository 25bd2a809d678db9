import { AppError } from '@flowgento/core';
import { isLoopbackHost } from './loopback.ts';

/**
 * Hosts Graph hands out media download URLs on, besides the Graph host
 * itself. The bearer token goes with the download, so it may go nowhere else.
 */
export const META_MEDIA_HOSTS: readonly string[] = ['lookaside.fbsbx.com'];

/**
 * Checks a media URL from Graph before the token is sent to it. Against
 * Meta (an https base), it must be https on the Graph host or Meta's media
 * host, on the default port. Against the simulator (a loopback base), it
 * must be on the simulator's own origin: a loopback answer cannot send the
 * token anywhere else either.
 */
export function checkMediaUrl(raw: string, graphBase: URL): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused();
  }
  if (url.username !== '' || url.password !== '') throw refused();

  if (isLoopbackHost(graphBase.hostname)) {
    if (url.origin !== graphBase.origin) throw refused();
    return url;
  }
  const hosts = [graphBase.hostname, ...META_MEDIA_HOSTS];
  if (url.protocol !== 'https:' || url.port !== '' || !hosts.includes(url.hostname)) {
    throw refused();
  }
  return url;
}

function refused(): AppError {
  // Permanent: asking again gives the same URL.
  return new AppError(
    'UPSTREAM_FAILED',
    'WhatsApp gave a media URL the appliance does not trust',
    {
      reason: 'media_url_refused',
      details: { retryable: false },
    },
  );
}
