import { createServer, type Server } from 'node:http';

/** Plain HTTP does one thing: send the browser to the same path over HTTPS. */
export function createRedirectServer(httpsPort: number): Server {
  return createServer((req, res) => {
    const host = (req.headers.host ?? 'localhost').replace(/:\d+$/, '');
    const safeHost = /^[A-Za-z0-9.\-[\]:]+$/.test(host) ? host : 'localhost';
    const target = `https://${safeHost}:${httpsPort}${req.url?.startsWith('/') ? req.url : '/'}`;
    res.writeHead(308, { Location: target, 'Content-Length': 0 });
    res.end();
  });
}
