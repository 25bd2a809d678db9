import { connect, createServer as createTlsServer } from 'node:tls';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedirectServer } from '../src/http/redirect.ts';
import { httpsRequest, startTestAppliance, type TestAppliance } from './harness.ts';

let t: TestAppliance;
beforeAll(async () => {
  t = await startTestAppliance({ FLOWGENTO_SIMULATOR: 'off' });
});
afterAll(() => t.cleanup());

function handshake(
  version: 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3',
  port = t.running.port,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: t.running.tls.caCertPem,
      servername: 'localhost',
      minVersion: version,
      maxVersion: version,
      // Node refuses TLS 1.1 at security level 1+; level 0 lets the client try it.
      ciphers: version === 'TLSv1.1' ? 'DEFAULT:@SECLEVEL=0' : undefined,
    });
    socket.once('secureConnect', () => {
      const negotiated = socket.getProtocol() ?? 'unknown';
      socket.end();
      resolve(negotiated);
    });
    socket.once('error', reject);
  });
}

describe('transport security', () => {
  it('refuses TLS 1.1, which the same client completes against a permissive server', async () => {
    const permissive = createTlsServer(
      {
        key: t.running.tls.serverKeyPem,
        cert: t.running.tls.serverCertPem,
        minVersion: 'TLSv1.1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => permissive.listen(0, '127.0.0.1', resolve));
    const controlPort = (permissive.address() as { port: number }).port;
    try {
      expect(await handshake('TLSv1.1', controlPort)).toBe('TLSv1.1');
    } finally {
      permissive.close();
    }
    await expect(handshake('TLSv1.1')).rejects.toThrow();
  });

  it('accepts TLS 1.2 and negotiates TLS 1.3 when offered', async () => {
    expect(await handshake('TLSv1.2')).toBe('TLSv1.2');
    expect(await handshake('TLSv1.3')).toBe('TLSv1.3');
  });

  it('sends HSTS and the security headers on every response, errors included', async () => {
    for (const [method, path] of [
      ['GET', '/healthz'],
      ['POST', '/webhooks/whatsapp'],
      ['PUT', '/webhooks/whatsapp'],
      ['GET', '/trpc/inbox.conversations'],
      ['GET', '/'],
    ] as const) {
      const reply = await httpsRequest(t.running, method, path);
      expect(reply.headers['strict-transport-security'], `${method} ${path}`).toMatch(
        /max-age=\d{8}/,
      );
      expect(reply.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('serves the local CA certificate for LAN browsers to trust', async () => {
    const reply = await httpsRequest(t.running, 'GET', '/ca.crt');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(t.running.tls.caCertPem);
    expect(t.running.tls.caFingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('answers plain HTTP only with a redirect to HTTPS, on one of its own names', async () => {
    const server = createRedirectServer(t.running.port, ['appliance.lan', 'localhost']);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const ask = (host: string, path: string) =>
      new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, location: res.headers.location });
        })
          .on('error', reject)
          .end();
      });
    try {
      const own = await ask('appliance.lan:80', '/trpc/auth.me?x=1');
      expect(own.status).toBe(308);
      expect(own.location).toBe(
        `https://appliance.lan:${t.running.port}/trpc/auth.me?x=1`,
      );
      const foreign = await ask('evil.example', '/login');
      expect(foreign.location).toBe(`https://localhost:${t.running.port}/login`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('offers only forward-secret cipher suites under TLS 1.2', async () => {
    const attempt = (ciphers: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({
          host: '127.0.0.1',
          port: t.running.port,
          ca: t.running.tls.caCertPem,
          servername: 'localhost',
          maxVersion: 'TLSv1.2',
          ciphers,
        });
        socket.once('secureConnect', () => {
          const name = socket.getCipher().name;
          socket.end();
          resolve(name);
        });
        socket.once('error', reject);
      });
    await expect(attempt('AES128-SHA:AES256-GCM-SHA384')).rejects.toThrow();
    expect(await attempt('ECDHE-RSA-AES128-GCM-SHA256')).toBe(
      'ECDHE-RSA-AES128-GCM-SHA256',
    );
  });

  it('reports health without needing a session', async () => {
    const reply = await httpsRequest(t.running, 'GET', '/healthz');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok', simulator: false });
  });
});
