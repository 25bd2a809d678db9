import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpReply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Trust for https, e.g. the appliance's own CA; replaces the default roots. */
  caCertPem?: string;
  /** Aborts the request, e.g. when the owner shuts down. */
  signal?: AbortSignal;
}

/** Answers larger than this are cut off; nothing we call sends more. */
const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * POSTs bytes with node:http or node:https. Used where global fetch cannot
 * follow: a private CA for https, which fetch in Node 20 cannot take without
 * a dispatcher from a package we do not ship.
 */
export function postBytes(
  url: URL,
  body: Buffer,
  options: PostOptions,
): Promise<HttpReply> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal =
    options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  const headers = { ...options.headers, 'content-length': String(body.length) };

  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REPLY_BYTES) chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: text,
        });
      });
    };

    const req =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            { method: 'POST', headers, signal, ca: options.caCertPem },
            onResponse,
          )
        : httpRequest(url, { method: 'POST', headers, signal }, onResponse);
    req.on('error', (error) =>
      reject(timeout.aborted ? (timeout.reason as Error) : error),
    );
    req.end(body);
  });
}

/** True when `error` is the timeout raised by `AbortSignal.timeout`. */
export function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'TimeoutError';
}
