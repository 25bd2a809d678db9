import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Transform } from 'node:stream';

/** What the proxy does to a request. */
export type Fault =
  /** Forward it untouched. */
  | { kind: 'pass' }
  /** Answer with an S3-style error: 500 InternalError or 503 SlowDown. */
  | { kind: 'error'; status: 500 | 503 }
  /** Reset the connection instead of answering. */
  | { kind: 'reset' }
  /** Forward it, then reset the connection after this many bytes of the answer's body. */
  | { kind: 'cut'; afterBytes: number }
  /** Forward it, with one byte of the answer's body changed. */
  | { kind: 'corrupt' }
  /** Forward it after a wait. */
  | { kind: 'latency'; ms: number }
  /** Take the request and never answer. */
  | { kind: 'hang' };

interface Rule {
  fault: Fault;
  /** How many more matching requests get it; undefined: all of them. */
  left: number | undefined;
  method: string | undefined;
  /** Only requests whose path (with query) matches; undefined: all of them. */
  path: RegExp | undefined;
}

const ERROR_CODES = { 500: 'InternalError', 503: 'SlowDown' } as const;
// Hop-by-hop headers are the proxy's own; `expect` is never signed.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'expect', 'proxy-connection']);

/**
 * A loopback HTTP reverse proxy in front of the test gateway, programmable
 * per test: pass requests through, answer 5xx, reset connections, cut or
 * corrupt bodies, add latency, hang, or be down (refuse connections). The
 * Host header goes through unchanged, so the client's signature still holds.
 */
export class FaultProxy {
  /** Requests seen, and how many of them got a fault. */
  seen = 0;
  faulted = 0;
  private rule: Rule = {
    fault: { kind: 'pass' },
    left: undefined,
    method: undefined,
    path: undefined,
  };
  private readonly sockets = new Set<Socket>();
  private readonly agent = new Agent({ keepAlive: true });
  private readonly server = createServer((req, res) => this.handle(req, res));
  private port = 0;
  private listening = false;

  private constructor(private readonly target: URL) {
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(target));
    await proxy.up();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Applies `fault` to the next `times` requests (all by default), of one
   * method and to paths matching `path` if given.
   */
  set(
    fault: Fault,
    options: { times?: number; method?: string; path?: RegExp } = {},
  ): void {
    this.rule = {
      fault,
      left: options.times,
      method: options.method,
      path: options.path,
    };
  }

  pass(): void {
    this.set({ kind: 'pass' });
  }

  /** Stops listening and drops every connection: new ones are refused. */
  async down(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Listens again, on the same port as before. */
  async up(): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  async close(): Promise<void> {
    await this.down();
    this.agent.destroy();
  }

  private take(method: string, url: string): Fault {
    const rule = this.rule;
    if (rule.method && rule.method !== method) return { kind: 'pass' };
    if (rule.path && !rule.path.test(url)) return { kind: 'pass' };
    if (rule.left === 0) return { kind: 'pass' };
    if (rule.left !== undefined) rule.left -= 1;
    return rule.fault;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.seen += 1;
    const fault = this.take(req.method ?? 'GET', req.url ?? '/');
    if (fault.kind !== 'pass') this.faulted += 1;
    switch (fault.kind) {
      case 'error':
        req.resume();
        req.once('end', () => {
          const code = ERROR_CODES[fault.status];
          res.writeHead(fault.status, { 'content-type': 'application/xml' });
          res.end(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>` +
              `<Message>injected by the fault proxy</Message>` +
              `<RequestId>fault-proxy</RequestId></Error>`,
          );
        });
        return;
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'hang':
        req.resume();
        return;
      case 'latency':
        setTimeout(() => this.forward(req, res, undefined), fault.ms);
        return;
      case 'cut':
      case 'corrupt':
      case 'pass':
        this.forward(req, res, fault);
        return;
    }
  }

  private forward(req: IncomingMessage, res: ServerResponse, fault: Fault | undefined) {
    const upstream = request(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: req.method,
        path: req.url,
        headers: forwarded(req.headers),
        agent: this.agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, forwarded(answer.headers));
        answer.pipe(bodyFault(fault, req.socket)).pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  }
}

function forwarded(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !NOT_FORWARDED.has(name.toLowerCase())),
  );
}

/** The answer's body as the fault wants it: cut short, or with a byte flipped. */
function bodyFault(fault: Fault | undefined, client: Socket): Transform {
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (fault?.kind === 'corrupt' && sent === 0 && chunk.length > 0) {
        chunk = Buffer.from(chunk);
        chunk[0] = chunk[0]! ^ 0xff;
      }
      if (fault?.kind === 'cut' && sent + chunk.length > fault.afterBytes) {
        this.push(chunk.subarray(0, Math.max(0, fault.afterBytes - sent)));
        sent = fault.afterBytes;
        // Let what was pushed reach the socket, then reset it.
        setImmediate(() => client.resetAndDestroy());
        done();
        return;
      }
      sent += chunk.length;
      done(null, chunk);
    },
  });
}
