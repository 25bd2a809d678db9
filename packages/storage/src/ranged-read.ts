import { Readable } from 'node:stream';
import { checksumMismatch } from './checksum.ts';

/** Objects at least this large are read in ranges, several at once. */
export const RANGED_FROM_BYTES = 64 * 1024 * 1024;
export const RANGE_BYTES = 16 * 1024 * 1024;
/** Ranges requested at once: memory is this many ranges, plus the one being read. */
const RANGES_IN_FLIGHT = 3;

/** Asks for bytes `start` to `end` inclusive, as the service's Range header does. */
export type FetchRange = (
  start: number,
  end: number,
  signal: AbortSignal,
) => Promise<Readable>;

/**
 * An object's bytes, in order, fetched as ranges with a few requests in
 * flight: one connection stays well under what the service and the link can
 * carry (a 1 GiB restore waited on a single GET for most of its time). A
 * range that comes back any other length than asked fails the read; the
 * caller still checks the whole object's length and SHA-256. A reader that
 * stops early, or the caller's signal, cancels the requests in flight.
 */
export function readInRanges(
  size: number,
  fetchRange: FetchRange,
  outer?: AbortSignal,
): Readable {
  const controller = new AbortController();
  const cancel = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', cancel, { once: true });

  async function* ranges(): AsyncGenerator<Buffer> {
    const pending: Promise<Buffer>[] = [];
    let next = 0;
    const request = () => {
      const start = next;
      const end = Math.min(start + RANGE_BYTES, size);
      next = end;
      const bytes = fetchRange(start, end - 1, controller.signal).then((body) =>
        whole(body, end - start),
      );
      // Awaited in order below; until then a failure must not count as unhandled.
      bytes.catch(() => undefined);
      pending.push(bytes);
    };
    try {
      while (pending.length < RANGES_IN_FLIGHT && next < size) request();
      while (pending.length > 0) {
        const bytes = await pending.shift()!;
        if (next < size) request();
        yield bytes;
      }
    } finally {
      outer?.removeEventListener('abort', cancel);
      controller.abort();
    }
  }
  return Readable.from(ranges(), { objectMode: false });
}

async function whole(body: Readable, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (filled + chunk.length > length) {
      body.destroy();
      throw checksumMismatch('UPSTREAM_FAILED');
    }
    chunk.copy(buffer, filled);
    filled += chunk.length;
  }
  if (filled !== length) throw checksumMismatch('UPSTREAM_FAILED');
  return buffer;
}
