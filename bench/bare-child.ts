/**
 * The baseline: a bare Node HTTPS server with the appliance's certificate
 * and TLS settings that reads each body and answers 200, nothing more.
 */
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { TLS_SERVER_OPTIONS } from '../apps/server/src/http/tls-options.ts';
import { announcePort, onStopRequest, readSettings } from './child-io.ts';

interface BareSettings {
  keyPem: string;
  certPem: string;
}

// Framed like the appliance's answer, so both clients read it the same way.
const ANSWER = Buffer.from('EVENT_RECEIVED');

const { keyPem, certPem } = await readSettings<BareSettings>();
const server = createServer({ key: keyPem, cert: certPem, ...TLS_SERVER_OPTIONS });

server.on('request', (req, res) => {
  let size = 0;
  req.on('data', (chunk: Buffer) => (size += chunk.length));
  req.on('end', () => {
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': ANSWER.length,
    });
    res.end(ANSWER);
  });
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
onStopRequest(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
);
announcePort((server.address() as AddressInfo).port);
