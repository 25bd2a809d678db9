import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RANGE_BYTES, readInRanges } from '../src/ranged-read.ts';
import { caughtAppError, readAll } from './support/errors.ts';

/**
 * The ranged reader's own rules, with ranges served from memory: what a
 * service would have to get wrong (a short range) or a reader would do
 * (stop early) cannot be staged against a real gateway.
 */
describe('reading in ranges', () => {
  const object = Buffer.alloc(RANGE_BYTES * 4 + 7, 0);
  for (let i = 0; i < object.length; i += 4096) object[i] = i % 251;
  const served = (start: number, end: number) =>
    Readable.from([object.subarray(start, end + 1)]);

  it('yields every byte in order whatever order the ranges answer in', async () => {
    const slowFirst = async (start: number, end: number) => {
      if (start === 0) await new Promise((done) => setTimeout(done, 30));
      return served(start, end);
    };
    expect((await readAll(readInRanges(object.length, slowFirst))).equals(object)).toBe(
      true,
    );
  });

  it('fails a range that comes back shorter than asked', async () => {
    const short = (start: number, end: number) =>
      Promise.resolve(served(start, start === RANGE_BYTES ? end - 1 : end));
    const error = await caughtAppError(() => readAll(readInRanges(object.length, short)));
    expect(error).toMatchObject({ code: 'UPSTREAM_FAILED', reason: 'checksum_mismatch' });
  });

  it('cancels the requests in flight when the reader stops early', async () => {
    const signals: AbortSignal[] = [];
    const tracked = (start: number, end: number, signal: AbortSignal) => {
      signals.push(signal);
      return Promise.resolve(served(start, end));
    };
    const reader = readInRanges(object.length, tracked);
    for await (const chunk of reader) {
      expect(chunk.length).toBe(RANGE_BYTES);
      break;
    }
    expect(signals.length).toBeGreaterThan(1);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });
});
