import { randomBytes } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTlsMaterial, type TlsMaterial } from '../src/index.ts';
import { useTempDir } from './support.ts';

interface HandshakeResult {
  authorized: boolean;
  errorCode?: string;
}

/** Connects to the loopback server and reports whether the client accepted its certificate. */
function handshake(options: tls.ConnectionOptions): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', ...options }, () => {
      resolve({ authorized: socket.authorized });
      socket.end();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ authorized: false, errorCode: error.code });
    });
  });
}

describe('the TLS material on a real HTTPS server', () => {
  const tempDir = useTempDir();
  let material: TlsMaterial;
  let server: https.Server;
  let port: number;

  beforeEach(async () => {
    material = ensureTlsMaterial({
      dir: path.join(tempDir(), 'tls'),
      wrapKey: randomBytes(32),
      hostnames: [],
      ips: [],
    });
    server = https.createServer(
      { key: material.serverKeyPem, cert: material.serverCertPem },
      (_request, response) => response.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is trusted for the name localhost by a client that trusts the local CA', async () => {
    const result = await handshake({
      port,
      ca: material.caCertPem,
      servername: 'localhost',
    });
    expect(result).toEqual({ authorized: true });
  });

  it('is trusted for the address 127.0.0.1 by a client that trusts the local CA', async () => {
    const result = await handshake({ port, ca: material.caCertPem });
    expect(result).toEqual({ authorized: true });
  });

  it('fails verification for a client that does not trust the local CA', async () => {
    const result = await handshake({ port, servername: 'localhost' });
    expect(result.authorized).toBe(false);
    expect(result.errorCode).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('fails verification for a name the certificate does not cover', async () => {
    const result = await handshake({
      port,
      ca: material.caCertPem,
      servername: 'other.invalid',
    });
    expect(result).toEqual({
      authorized: false,
      errorCode: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
  });
});
