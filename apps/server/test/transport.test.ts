import { connect, createServer as createTlsServer } from 'node:tls';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedirectServer } from '../src/http/redirect.ts';
import {
  httpsRequest,
  startTestAppliance,
  type TestAppliance,
  tableRowCounts,
} from './harness.ts';
import { OWNER } from './flows.ts';

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
    // The default disclosure contact is the software makers' placeholder.
    expect(JSON.parse(reply.body)).toEqual({
      status: 'ok',
      simulator: false,
      warnings: ['disclosure_contact_not_set'],
    });
  });
});

const rowCounts = () => tableRowCounts(t.running);

/** The directives of a Content-Security-Policy, each with its sources. */
function cspDirectives(header: string): Map<string, string[]> {
  return new Map(
    header
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('browser hardening', () => {
  const crossSite = { origin: 'https://evil.example' };

  it('refuses a cross-site form post to the API with 403, creating nothing', async () => {
    const setup = {
      setupCode: t.running.setupCode!,
      workspaceName: 'Acme Support',
      ...OWNER,
    };
    const before = rowCounts();
    const attempts: Record<string, string>[] = [
      // What a cross-site <form> can send: no custom header.
      { ...crossSite, 'content-type': 'application/x-www-form-urlencoded' },
      { ...crossSite, 'content-type': 'text/plain' },
      { ...crossSite, 'content-type': 'application/json' },
      // The header must carry the value the web app sends.
      { 'content-type': 'application/json', 'x-flowgento-request': '0' },
    ];
    for (const headers of attempts) {
      const reply = await httpsRequest(t.running, 'POST', '/trpc/auth.setup', {
        body: JSON.stringify(setup),
        headers,
      });
      expect(reply.status, JSON.stringify(headers)).toBe(403);
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
    expect(rowCounts()).toEqual(before);
    expect(t.running.services.access.needsSetup()).toBe(true);
  });

  it('refuses a request from another origin even when it carries the header, creating nothing', async () => {
    const setup = {
      setupCode: t.running.setupCode!,
      workspaceName: 'Acme Support',
      ...OWNER,
    };
    const before = rowCounts();
    const own = `https://127.0.0.1:${t.running.port}`;
    const json = { 'content-type': 'application/json', 'x-flowgento-request': '1' };
    for (const headers of [
      { ...json, ...crossSite },
      { ...json, origin: 'null' },
      { ...json, origin: `https://127.0.0.1:${t.running.port + 1}` },
      { ...json, 'sec-fetch-site': 'cross-site' },
      { ...json, 'sec-fetch-site': 'same-site' },
      { ...json, origin: own, 'sec-fetch-site': 'cross-site' },
    ]) {
      const reply = await httpsRequest(t.running, 'POST', '/trpc/auth.setup', {
        body: JSON.stringify(setup),
        headers,
      });
      expect(reply.status, JSON.stringify(headers)).toBe(403);
      expect(reply.body).toContain('another origin');
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
    expect(rowCounts()).toEqual(before);

    // The appliance's own page, as a browser sends it, is answered.
    const reply = await httpsRequest(t.running, 'GET', '/trpc/system.info', {
      headers: { origin: own, 'sec-fetch-site': 'same-origin' },
    });
    expect(reply.status).toBe(200);
  });

  it('never sends CORS headers, and refuses a preflight', async () => {
    const replies = [
      await httpsRequest(t.running, 'OPTIONS', '/trpc/auth.login', {
        headers: {
          ...crossSite,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, x-flowgento-request',
        },
      }),
      await httpsRequest(t.running, 'GET', '/trpc/system.info', { headers: crossSite }),
      await httpsRequest(t.running, 'POST', '/trpc/auth.login', {
        body: '{}',
        headers: {
          ...crossSite,
          'content-type': 'application/json',
          'x-flowgento-request': '1',
        },
      }),
      await httpsRequest(t.running, 'GET', '/healthz', { headers: crossSite }),
      await httpsRequest(t.running, 'GET', '/', { headers: crossSite }),
    ];
    const [preflight] = replies;
    expect(preflight!.status).toBe(405);
    for (const reply of replies) {
      const cors = Object.keys(reply.headers).filter((name) =>
        name.startsWith('access-control-'),
      );
      expect(cors).toEqual([]);
    }
  });

  it('allows only its own scripts, never framed, with no referrer and no sniffing', async () => {
    for (const path of ['/', '/trpc/system.info', '/healthz']) {
      const reply = await httpsRequest(t.running, 'GET', path);
      const csp = cspDirectives(String(reply.headers['content-security-policy']));
      const scripts = csp.get('script-src') ?? csp.get('default-src');
      expect(scripts, path).toEqual(["'self'"]);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('keeps the session cookie HttpOnly, Secure and SameSite=Strict, set and cleared', async () => {
    const setupReply = await httpsRequest(t.running, 'POST', '/trpc/auth.setup', {
      body: JSON.stringify({
        setupCode: t.running.setupCode!,
        workspaceName: 'Acme Support',
        ...OWNER,
      }),
      headers: { 'content-type': 'application/json', 'x-flowgento-request': '1' },
    });
    const issued = String(setupReply.headers['set-cookie']);
    const cookie = issued.split(';')[0]!;
    const logoutReply = await httpsRequest(t.running, 'POST', '/trpc/auth.logout', {
      body: 'null',
      headers: {
        cookie,
        'content-type': 'application/json',
        'x-flowgento-request': '1',
      },
    });
    const cleared = String(logoutReply.headers['set-cookie']);
    for (const line of [issued, cleared]) {
      const attributes = line.split(';').map((part) => part.trim());
      expect(attributes).toEqual(
        expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']),
      );
    }
    expect(cleared).toMatch(/^fg_session=;/);
  });

  it('audits the socket address, not an X-Forwarded-For the client made up', async () => {
    await httpsRequest(t.running, 'POST', '/trpc/auth.login', {
      body: JSON.stringify({ email: 'mallory@evil.example', password: 'guess' }),
      headers: {
        'content-type': 'application/json',
        'x-flowgento-request': '1',
        'x-forwarded-for': '203.0.113.66',
      },
    });
    const ips = t.running.appliance.store.db
      .prepare(`SELECT ip FROM audit_log WHERE action = 'auth.login.failed'`)
      .pluck()
      .all();
    expect(ips).toEqual(['127.0.0.1']);
  });
});
