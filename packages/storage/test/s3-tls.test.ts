import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3StorageProvider } from '../src/index.ts';

// A plain HTTP server on loopback, as an S3 gateway on an http-only port.
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((_req, res) => res.end('plain http'));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

describe('an https endpoint that does not speak TLS', () => {
  it('is refused with a reason that says the endpoint did not answer TLS', async () => {
    const provider = new S3StorageProvider({
      preset: 's3-compatible',
      endpoint: `https://127.0.0.1:${port}`,
      region: 'us-east-1',
      bucket: 'media',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'secret-example-key-0000000000000000000000',
    });
    const error = await provider.check().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'UPSTREAM_FAILED',
      reason: 'storage_tls_failed',
      message: expect.stringContaining('did not answer TLS'),
      details: { field: 'endpoint' },
    });
  });
});
