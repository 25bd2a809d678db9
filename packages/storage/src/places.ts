import type { Readable } from 'node:stream';
import type { ObjectLocation } from '@flowgento/store';
import { bodyChunks } from './checksum.ts';
import type { ObjectBody } from './provider.ts';
import { LOCAL_PROVIDER_ID } from './tiers.ts';

/** The id a location is recorded under (null for the local disk), and back. */
export function recordId(providerId: string): string | null {
  return providerId === LOCAL_PROVIDER_ID ? null : providerId;
}

export function placeId(location: Pick<ObjectLocation, 'providerId'>): string {
  return location.providerId ?? LOCAL_PROVIDER_ID;
}

/**
 * The caller's body for one attempt: its chunks, each one a sign of
 * progress, and whether its source (not the provider) broke.
 */
export function watchedBody(body: ObjectBody) {
  let broke = false;
  return {
    get broke() {
      return broke;
    },
    async *chunks(progress: () => void): AsyncIterable<Buffer> {
      const iterator = bodyChunks(body)[Symbol.asyncIterator]();
      for (;;) {
        let next: IteratorResult<Buffer>;
        try {
          next = await iterator.next();
        } catch (error) {
          broke = true;
          throw error;
        }
        if (next.done) return;
        progress();
        yield next.value;
      }
    },
    /** A stream the provider did not read to its end is released. */
    close() {
      const stream = body as Partial<Readable>;
      if (typeof stream.destroy === 'function' && !stream.destroyed) stream.destroy();
    },
  };
}
