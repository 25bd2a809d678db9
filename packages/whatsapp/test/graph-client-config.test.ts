import { afterEach, describe, expect, it } from 'vitest';
import { GraphClient } from '../src/index.ts';
import { failureOf, graphError, sent, text, TOKEN } from './support/graph.ts';
import { capturedLogger } from './support/logs.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { selfSignedLoopbackCertificate } from './support/tls.ts';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('GraphClient secrets', () => {
  it('keeps the access token out of errors and log lines', async () => {
    const captured = capturedLogger();
    receiver = await startReceiver(() => graphError(401, 190, `Bad token ${TOKEN}`));
    const client = new GraphClient({
      baseUrl: receiver.url,
      apiVersion: 'v23.0',
      logger: captured.logger,
    });

    const error = await failureOf(client.sendText(text));
    captured.logger.flush();
    expect(error.reason).toBe('graph_190');
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain(TOKEN);
    expect(captured.text()).not.toContain(TOKEN);
    expect(captured.lines().some((line) => line['reason'] === 'graph_190')).toBe(true);
  });
});

describe('GraphClient base URL', () => {
  it.each([
    'http://example.com',
    'http://10.0.0.8:8080',
    'http://[::2]',
    'ftp://127.0.0.1',
    'not a url',
  ])('rejects %s as CONFIG_INVALID', (baseUrl) => {
    expect(() => new GraphClient({ baseUrl, apiVersion: 'v23.0' })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });

  it.each([
    'http://127.0.0.1:9',
    'http://127.8.9.1',
    'http://localhost:1',
    'http://[::1]:1',
  ])('accepts loopback http %s', (baseUrl) => {
    expect(() => new GraphClient({ baseUrl, apiVersion: 'v23.0' })).not.toThrow();
  });

  it('reaches an https server trusted only through caCertPem', async () => {
    const tls = selfSignedLoopbackCertificate();
    receiver = await startReceiver(() => sent, tls);
    const trusting = new GraphClient({
      baseUrl: receiver.url,
      apiVersion: 'v23.0',
      caCertPem: tls.cert,
    });
    await expect(trusting.sendText(text)).resolves.toEqual({ waMessageId: 'wamid.OK1' });

    const untrusting = new GraphClient({
      baseUrl: receiver.url,
      apiVersion: 'v23.0',
      maxAttempts: 1,
    });
    const error = await failureOf(untrusting.sendText(text));
    expect(error.reason).toBe('graph_network');
    expect(receiver.requests).toHaveLength(1);
  });
});
