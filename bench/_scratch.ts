import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parseS3Settings, S3StorageProvider, createS3Client } from '@flowgento/storage';
import { verifiedStream } from '../packages/storage/src/checksum.ts';
import { readInRanges } from '../packages/storage/src/ranged-read.ts';
import { benchBucket, startBenchRgw } from './backup-rgw.ts';
const SIZE = 512 * 1024 ** 2;
const rgw = await startBenchRgw(2 * 1024 ** 3);
try {
  (await benchBucket(rgw, 'bench-b')).destroy();
  const settings = parseS3Settings({ preset: 's3-compatible', endpoint: rgw.endpoint, region: 'us-east-1', bucket: 'bench-b', accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey });
  const p = new S3StorageProvider(settings);
  const c = createS3Client(settings);
  const data = randomBytes(SIZE);
  let t0 = performance.now();
  const stored = await p.put('mp', data);
  console.log('mp put', ((performance.now() - t0) / 1000).toFixed(2));
  const drain = async (b: any) => { let n = 0; for await (const x of b as Readable) n += x.length; return n; };
  const single = async () => { const s = performance.now(); const r = await c.send(new GetObjectCommand({ Bucket: 'bench-b', Key: 'mp' })); await drain(r.Body); return (performance.now() - s) / 1000; };
  const ranged = async (mib: number, inflight: number) => {
    const s = performance.now(); const P = mib << 20; let next = 0; let total = 0;
    const worker = async () => { while (next < SIZE) { const off = next; next += P; const r = await c.send(new GetObjectCommand({ Bucket: 'bench-b', Key: 'mp', Range: `bytes=${off}-${Math.min(off + P, SIZE) - 1}` })); total += await drain(r.Body); } };
    await Promise.all(Array.from({ length: inflight }, worker));
    return (performance.now() - s) / 1000;
  };
  const provider = async () => { const s = performance.now(); await drain(await p.get('mp', stored)); return (performance.now() - s) / 1000; };
  const oldPath = async () => { const s = performance.now(); const r = await c.send(new GetObjectCommand({ Bucket: 'bench-b', Key: 'mp' })); await drain(verifiedStream(r.Body as Readable, stored, { code: 'UPSTREAM_FAILED', readFailed: (e) => e as any })); return (performance.now() - s) / 1000; };
  const rangesOnly = async () => { const s = performance.now(); await drain(readInRanges(SIZE, async (a, b, signal) => (await c.send(new GetObjectCommand({ Bucket: 'bench-b', Key: 'mp', Range: `bytes=${a}-${b}` }), { abortSignal: signal })).Body as Readable)); return (performance.now() - s) / 1000; };
  for (let r = 0; r < 3; r++) {
    console.log('single', (await single()).toFixed(2), 'old', (await oldPath()).toFixed(2), 'rangesOnly', (await rangesOnly()).toFixed(2), 'provider', (await provider()).toFixed(2), 'r16x3', (await ranged(16, 3)).toFixed(2));
  }
  for (let r = 0; r < 0; r++) {
    console.log('single', (await single()).toFixed(2), 'provider', (await provider()).toFixed(2), 'r8x4', (await ranged(8, 4)).toFixed(2), 'r16x3', (await ranged(16, 3)).toFixed(2), 'r32x3', (await ranged(32, 3)).toFixed(2), 'r64x2', (await ranged(64, 2)).toFixed(2));
  }
} finally { rgw.stop(); }
