import { createHash, randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { parseS3Settings, S3StorageProvider } from '../src/index.ts';
import { TEST_TIMEOUT_MS, useFaultWorld } from './fault-world.ts';
import { caughtAppError, readAll } from './support/errors.ts';
import type { RgwServer } from './support/rgw.ts';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The S3 provider and the failover tier store under each fault the proxy
 * injects in front of provider A: each is retried, or failed over to B,
 * and no fault ever yields a wrong object as if it were right.
 */
export function faultSuite(gateway: () => RgwServer): void {
  const w = useFaultWorld(gateway);

  /** Provider A alone, through the proxy, as the tier store opens it. */
  const providerA = () => w.routing.providerById(w.a, 'media-hot');
  const put = (key: string, bytes: Buffer) =>
    w.objects.put(w.scope, 'media-hot', key, () => bytes);
  const read = async (key: string, bytes: Buffer) =>
    readAll(
      await w.objects.get(w.scope, 'media-hot', key, {
        size: bytes.length,
        sha256: sha256(bytes),
      }),
    );
  const where = (key: string) =>
    w.store
      .in(w.scope)
      .objectLocations.locations('media-hot', key)
      .map(
        (l) =>
          `${l.providerId === w.a ? 'A' : 'B'}:${l.written && l.attemptAt === null ? 'settled' : 'in doubt'}`,
      )
      .sort();

  it('retries 503 SlowDown and reset connections, and the object arrives whole', async () => {
    const bytes = randomBytes(2048);
    w.proxy.set({ kind: 'error', status: 503 }, { times: 2 });
    expect(await put('retry/slowdown', bytes)).toMatchObject({ providerId: w.a });
    expect(w.proxy.faulted).toBeGreaterThanOrEqual(2);

    w.proxy.set({ kind: 'reset' }, { times: 1, method: 'GET' });
    expect((await read('retry/slowdown', bytes)).equals(bytes)).toBe(true);
    expect(where('retry/slowdown')).toEqual(['A:settled']);
    expect(w.health.snapshot(w.a)).toMatchObject({ state: 'up', consecutiveFailures: 0 });
  });

  it('fails a write over to B when A answers 500 every time, and reads it from there', async () => {
    const bytes = randomBytes(1000);
    w.proxy.set({ kind: 'error', status: 500 });

    expect(await put('over/500', bytes)).toMatchObject({ providerId: w.b });
    expect(where('over/500')).toEqual(['A:in doubt', 'B:settled']);
    expect((await read('over/500', bytes)).equals(bytes)).toBe(true);
    expect(w.health.snapshot(w.a)).toMatchObject({
      state: 'degraded',
      consecutiveFailures: 1,
      lastError: { reason: 'storage_request_failed', operation: 'put' },
    });
  });

  it('counts a provider that hangs as failed after the timeout, and fails over', async () => {
    const bytes = randomBytes(500);
    w.proxy.set({ kind: 'hang' });
    const began = Date.now();

    expect(await put('over/hang', bytes)).toMatchObject({ providerId: w.b });
    expect(Date.now() - began).toBeGreaterThanOrEqual(TEST_TIMEOUT_MS);
    expect(Date.now() - began).toBeLessThan(TEST_TIMEOUT_MS + 5_000);
    expect(w.health.snapshot(w.a).lastError).toMatchObject({ reason: 'storage_timeout' });
    expect((await read('over/hang', bytes)).equals(bytes)).toBe(true);
  });

  it('takes a provider that refuses connections down after three failures, skips it, and probes it back', async () => {
    await w.proxy.down();
    for (const n of [1, 2, 3]) {
      expect(await put(`down/${n}`, randomBytes(100))).toMatchObject({ providerId: w.b });
    }
    expect(w.health.snapshot(w.a)).toMatchObject({
      state: 'down',
      consecutiveFailures: 3,
      lastError: { reason: 'storage_unreachable' },
    });

    // Down: skipped without a try, so its failures stop growing.
    expect(await put('down/4', randomBytes(100))).toMatchObject({ providerId: w.b });
    expect(w.health.snapshot(w.a).consecutiveFailures).toBe(3);
    await w.prober.probeDue();
    expect(w.health.state(w.a)).toBe('down');
    expect(w.recovered).toEqual([]);

    await w.proxy.up();
    w.prober.forgetWaits();
    await w.prober.probeDue();
    expect(w.health.state(w.a)).toBe('degraded');
    expect(w.recovered).toEqual([w.a]);
    expect(await put('down/5', randomBytes(100))).toMatchObject({ providerId: w.a });
  });

  it('measures added latency without failing', async () => {
    w.proxy.set({ kind: 'latency', ms: 300 });
    expect(await put('slow/1', randomBytes(100))).toMatchObject({ providerId: w.a });
    const health = w.health.snapshot(w.a);
    expect(health.state).toBe('up');
    expect(health.latencyMs?.p50).toBeGreaterThanOrEqual(300);
    expect(health.minutes.at(-1)).toMatchObject({ operations: 1, failures: 0 });
  });

  it('never hands over a corrupted or cut body as if it were whole', async () => {
    const bytes = randomBytes(64 * 1024);
    await put('wrong/1', bytes);
    const expected = { size: bytes.length, sha256: sha256(bytes) };

    w.proxy.set({ kind: 'corrupt' }, { method: 'GET' });
    const corrupted = await caughtAppError(async () =>
      readAll(await w.objects.get(w.scope, 'media-hot', 'wrong/1', expected)),
    );
    expect(corrupted).toMatchObject({ reason: 'checksum_mismatch' });

    w.proxy.set({ kind: 'cut', afterBytes: 1000 }, { method: 'GET' });
    const cut = await caughtAppError(async () =>
      readAll(await providerA().get('wrong/1', expected)),
    );
    expect(cut.reason).toMatch(
      /storage_unreachable|storage_request_failed|checksum_mismatch/,
    );

    w.proxy.pass();
    expect((await read('wrong/1', bytes)).equals(bytes)).toBe(true);
  });

  it('refuses to store or read an object without its SHA-256, which its copies are checked by', async () => {
    const bytes = randomBytes(100);
    const unhashed = await caughtAppError(() =>
      w.objects.put(w.scope, 'media-hot', 'unhashed/1', () => bytes, { digest: 'none' }),
    );
    expect(unhashed).toMatchObject({
      code: 'INVALID_INPUT',
      reason: 'object_digest_required',
    });
    expect(where('unhashed/1')).toEqual([]);

    await put('unhashed/2', bytes);
    const read = await caughtAppError(() =>
      w.objects.get(w.scope, 'media-hot', 'unhashed/2', {
        size: bytes.length,
        sha256: null,
      }),
    );
    expect(read.reason).toBe('object_digest_required');
  });

  it('copies objects written while A was down back to A, verified, and removes the failover copies', async () => {
    await w.proxy.down();
    const objects = Array.from({ length: 5 }, (_, i) => ({
      key: `back/${i}`,
      bytes: randomBytes(1024 * (i + 1)),
    }));
    for (const { key, bytes } of objects) {
      expect(await put(key, bytes)).toMatchObject({ providerId: w.b });
    }
    expect(await w.copyBack.run()).toMatchObject({ copied: 0, tiersWaiting: 1 });

    await w.proxy.up();
    w.prober.forgetWaits();
    await w.prober.probeDue();
    const report = await w.copyBack.run();
    // One failover copy each goes; the unfinished writes at A became the settled copies.
    expect(report).toMatchObject({ objects: 5, copied: 5, removed: 5, failed: 0 });

    const b = w.routing.providerById(w.b, 'media-hot');
    for (const { key, bytes } of objects) {
      expect(where(key)).toEqual(['A:settled']);
      const expected = { size: bytes.length, sha256: sha256(bytes) };
      expect((await readAll(await providerA().get(key, expected))).equals(bytes)).toBe(
        true,
      );
      expect(await b.head(key)).toBeUndefined();
    }
    expect(await w.copyBack.run()).toMatchObject({ objects: 0 });
  });

  it('copies nothing back from a source whose bytes are wrong, and keeps that copy', async () => {
    await w.proxy.down();
    const bytes = randomBytes(4096);
    await put('bad-source/1', bytes);
    await w.proxy.up();
    w.prober.forgetWaits();
    await w.prober.probeDue();

    // B's copy is replaced behind the store's back: copy-back must notice.
    const settings = parseS3Settings({
      preset: 's3-compatible',
      endpoint: gateway().endpoint,
      region: 'us-east-1',
      bucket: 'fault-b',
      accessKeyId: gateway().accessKeyId,
      secretAccessKey: gateway().secretAccessKey,
    });
    const rawB = new S3StorageProvider(settings);
    await rawB.put('bad-source/1', randomBytes(4096));
    rawB.destroy();

    const report = await w.copyBack.run();
    expect(report).toMatchObject({ copied: 0, removed: 0, waiting: 1 });
    expect(where('bad-source/1')).toEqual(['A:in doubt', 'B:settled']);
  });
}
