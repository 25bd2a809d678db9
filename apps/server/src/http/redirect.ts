import { createServer, type Server } from 'node:http';

/**
 * Plain HTTP does one thing: send the browser to the same path over HTTPS, on
 * one of the appliance's own names. A Host header naming anything else is
 * not echoed into the redirect (that would make the appliance an open
 * redirector); such requests go to `localhost`.
 */
export function createRedirectServer(httpsPort: number, ownNames: string[]): Server {
  const allowed = new Set(ownNames.map((name) => name.toLowerCase()));
  return createServer((req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const target = allowed.has(host) ? host : 'localhost';
    const path = req.url?.startsWith('/') && !req.url.startsWith('//') ? req.url : '/';
    res.writeHead(308, {
      Location: `https://${target}:${httpsPort}${path}`,
      'Content-Length': 0,
    });
    res.end();
  });
}
