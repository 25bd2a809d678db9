import { Agent, request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import type { DeliveryPool } from './webhook-bodies.ts';

/** Sends one delivery and resolves to the HTTP status or an error name; never rejects. */
export type Deliver = (index: number) => Promise<number | string>;

export interface Client {
  /** One sender per request kept in flight; each waits for its answer before the next. */
  sender(): Deliver;
  close(): void;
}

export type ClientKind = 'raw' | 'node-https';

const PATH = '/webhooks/whatsapp';
const REQUEST_TIMEOUT_MS = 10_000;

export function createClient(
  kind: ClientKind,
  port: number,
  ca: string,
  pool: DeliveryPool,
): Client {
  return kind === 'raw' ? rawClient(port, ca, pool) : nodeHttpsClient(port, ca, pool);
}

/** node:https with a keep-alive agent: what a Node integration would use. */
function nodeHttpsClient(port: number, ca: string, pool: DeliveryPool): Client {
  const agent = new Agent({ keepAlive: true, ca });
  const deliver: Deliver = (index) => {
    const body = pool.bodies[index]!;
    return new Promise((resolve) => {
      const headers = {
        'Content-Type': 'application/json',
        'Content-Length': body.length,
        'X-Hub-Signature-256': pool.signatures[index]!,
      };
      const req = request(
        { host: '127.0.0.1', port, path: PATH, method: 'POST', agent, headers },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 'no status'));
          res.once('error', (error) => resolve(error.name));
        },
      );
      req.setTimeout(REQUEST_TIMEOUT_MS, () =>
        req.destroy(new Error('request timed out')),
      );
      req.once('error', (error: NodeJS.ErrnoException) =>
        resolve(error.code ?? error.message),
      );
      req.end(body);
    });
  };
  return { sender: () => deliver, close: () => agent.destroy() };
}

/**
 * One keep-alive TLS connection per sender, writing HTTP/1.1 by hand and
 * reading only the status and Content-Length of each answer. node:https
 * spends about a core at ~18k requests/s, so it cannot load a bare server
 * that answers faster than that; this client costs far less per request.
 */
function rawClient(port: number, ca: string, pool: DeliveryPool): Client {
  const sockets = new Set<TLSSocket>();
  const head = (index: number): string =>
    `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${pool.bodies[index]!.length}\r\n` +
    `X-Hub-Signature-256: ${pool.signatures[index]!}\r\n\r\n`;

  const sender = (): Deliver => {
    let connection: RawConnection | null = null;
    return async (index) => {
      if (!connection || connection.closed) {
        connection = new RawConnection(connect({ host: '127.0.0.1', port, ca }));
        sockets.add(connection.socket);
      }
      return connection.send(head(index), pool.bodies[index]!);
    };
  };
  return { sender, close: () => sockets.forEach((socket) => socket.destroy()) };
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

class RawConnection {
  closed = false;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: ((outcome: number | string) => void) | null = null;

  constructor(readonly socket: TLSSocket) {
    socket.setNoDelay(true);
    socket.setTimeout(REQUEST_TIMEOUT_MS, () =>
      socket.destroy(new Error('request timed out')),
    );
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      this.settle(error.code ?? error.message),
    );
    socket.on('close', () => {
      this.closed = true;
      this.settle('connection closed');
    });
  }

  send(head: string, body: Buffer): Promise<number | string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.cork();
      this.socket.write(head);
      this.socket.write(body);
      this.socket.uncork();
    });
  }

  private read(chunk: Buffer): void {
    this.buffered =
      this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end === -1) return;
    const headers = this.buffered.toString('latin1', 0, end);
    const length = Number(CONTENT_LENGTH.exec(headers)?.[1] ?? Number.NaN);
    if (Number.isNaN(length)) {
      this.socket.destroy(new Error('answer without Content-Length'));
      return;
    }
    const total = end + HEADER_END.length + length;
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    this.settle(Number(headers.slice(9, 12)));
  }

  private settle(outcome: number | string): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(outcome);
  }
}
