import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

/** A throwaway Ceph gateway on loopback for the backup bench, big enough for it. */
export interface BenchRgw {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Frees deleted objects' space now: RGW's garbage collector waits hours. */
  collectGarbage(): void;
  stop(): void;
}

const SCRIPTS = new URL('../scripts/rgw/', import.meta.url).pathname;

export async function startBenchRgw(memstoreBytes: number): Promise<BenchRgw> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-bench-rgw-'));
  const [port, monPort] = [await freePort(), await freePort()];
  const keys = {
    accessKeyId: `FGBENCH${randomBytes(6).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(24).toString('base64url'),
  };
  execFileSync('bash', [`${SCRIPTS}start-rgw.sh`, dir, String(port), String(monPort)], {
    env: {
      ...process.env,
      RGW_ACCESS_KEY: keys.accessKeyId,
      RGW_SECRET_KEY: keys.secretAccessKey,
      RGW_MEMSTORE_BYTES: String(memstoreBytes),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    ...keys,
    collectGarbage: () =>
      execFileSync(
        'radosgw-admin',
        ['-c', join(dir, 'ceph.conf'), 'gc', 'process', '--include-all'],
        { stdio: 'ignore', timeout: 120_000 },
      ),
    stop: () => {
      execFileSync('bash', [`${SCRIPTS}stop-rgw.sh`, dir], { stdio: 'ignore' });
      // Its logs and keyring: each bench run left a folder behind.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An S3 client as the appliance makes them, and a new bucket. */
export async function benchBucket(rgw: BenchRgw, bucket: string): Promise<S3Client> {
  const client = new S3Client({
    endpoint: rgw.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return client;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
