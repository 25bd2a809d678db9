import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, trustedProxySet } from '../src/http/client-address.ts';
import { loadConfig } from '../src/config.ts';
import { httpsRequest, startTestAppliance, type TestAppliance } from './harness.ts';

const none = trustedProxySet([]);
const proxy = trustedProxySet(['10.0.0.2']);

describe('the client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress('192.168.1.20', '203.0.113.9', none)).toBe('192.168.1.20');
    expect(clientAddress('10.0.0.2', '203.0.113.9', none)).toBe('10.0.0.2');
  });

  it('ignores a spoofed X-Forwarded-For from a peer that is not a listed proxy', () => {
    expect(clientAddress('192.168.1.20', '10.0.0.2, 203.0.113.9', proxy)).toBe(
      '192.168.1.20',
    );
  });

  it('takes the right-most address a listed proxy appended', () => {
    expect(clientAddress('10.0.0.2', '203.0.113.9', proxy)).toBe('203.0.113.9');
    // The client wrote "1.1.1.1"; the proxy appended what it saw.
    expect(clientAddress('10.0.0.2', '1.1.1.1, 203.0.113.9', proxy)).toBe('203.0.113.9');
  });

  it('skips chained listed proxies and reads repeated headers in order', () => {
    const chain = trustedProxySet(['10.0.0.2', '10.0.0.3']);
    expect(clientAddress('10.0.0.2', ['1.1.1.1, 203.0.113.9', '10.0.0.3'], chain)).toBe(
      '203.0.113.9',
    );
  });

  it('falls back to the proxy when the header is missing, garbled or all proxies', () => {
    expect(clientAddress('10.0.0.2', undefined, proxy)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', 'not-an-address', proxy)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '10.0.0.2', proxy)).toBe('10.0.0.2');
  });

  it('treats an IPv4 peer on a dual-stack socket as the listed IPv4 proxy', () => {
    expect(clientAddress('::ffff:10.0.0.2', '203.0.113.9', proxy)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:192.168.1.20', undefined, none)).toBe('192.168.1.20');
  });

  it('is unknown only when the socket has no peer address', () => {
    expect(clientAddress(undefined, '203.0.113.9', proxy)).toBeNull();
  });
});

describe('the trustedProxies setting', () => {
  it('defaults to none and reads a comma-separated FLOWGENTO_TRUSTED_PROXIES', () => {
    expect(loadConfig({ env: {} }).trustedProxies).toEqual([]);
    expect(
      loadConfig({ env: { FLOWGENTO_TRUSTED_PROXIES: ' 10.0.0.2, ::1 ,' } })
        .trustedProxies,
    ).toEqual(['10.0.0.2', '::1']);
  });

  it('refuses an entry that is not an IP address, naming the field', () => {
    expect(() =>
      loadConfig({ env: { FLOWGENTO_TRUSTED_PROXIES: '10.0.0.2,proxy.lan' } }),
    ).toThrow(/trustedProxies\.1/);
  });
});

describe('audited addresses behind a listed proxy', () => {
  let t: TestAppliance;
  beforeAll(async () => {
    t = await startTestAppliance({
      FLOWGENTO_SIMULATOR: 'off',
      FLOWGENTO_TRUSTED_PROXIES: '127.0.0.1',
    });
  });
  afterAll(() => t.cleanup());

  it('records the address the proxy forwarded, not the proxy', async () => {
    await httpsRequest(t.running, 'POST', '/trpc/auth.login', {
      body: JSON.stringify({ email: 'nobody@acme.test', password: 'wrong' }),
      headers: {
        'content-type': 'application/json',
        'x-flowgento-request': '1',
        'x-forwarded-for': '1.1.1.1, 198.51.100.7',
      },
    });
    const ip = t.running.appliance.store.db
      .prepare(`SELECT ip FROM audit_log WHERE action = 'auth.login.failed'`)
      .pluck()
      .get();
    expect(ip).toBe('198.51.100.7');
  });
});
