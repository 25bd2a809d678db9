import type { IncomingMessage } from 'node:http';
import { AppError } from '@flowgento/core';

const tooLarge = () =>
  new AppError('INVALID_INPUT', 'Request body is too large', {
    reason: 'body_too_large',
  });

/** Reads the whole body as raw bytes, refusing more than `limit` bytes. */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(tooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)),
    );
    req.on('error', reject);
  });
}
