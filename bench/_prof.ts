import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createS3Client, OrderedTierStore, parseS3Settings, S3StorageProvider, type TierProviders } from '@flowgento/storage';
import { buildDatabase } from './backup-database.ts';
import { snapshotRun, restoreRun, type BenchBackupSetup } from './backup-engine-runs.ts';
import { rawGet, rawPut } from './backup-raw.ts';
import { benchBucket, startBenchRgw } from './backup-rgw.ts';
const dir = mkdtempSync(join(tmpdir(), 'fg-prof-'));
const rgw = await startBenchRgw(2 * 1024 ** 3);
try {
  const s = (bucket: string) => parseS3Settings({ preset: 's3-compatible', endpoint: rgw.endpoint, region: 'us-east-1', bucket, accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey });
  (await benchBucket(rgw, 'fg-prof')).destroy();
  const provider = new S3StorageProvider(s('fg-prof'));
  const providers: TierProviders = { providersOf: () => [{ providerId: 'rgw', provider }] };
  const setup: BenchBackupSetup = { databasePath: join(dir, 'big.db'), databaseKey: randomBytes(32), backupKey: randomBytes(32), installationId: randomUUID(), tier: new OrderedTierStore(providers), providers };
  buildDatabase(setup.databasePath, setup.databaseKey, 256 * 1024 ** 2);
  const raw = createS3Client(s('fg-prof'));
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  let c = cpu(); const p = await rawPut(raw, 'fg-prof', 'raw.db', setup.databasePath); console.log('put', p.toFixed(2), 'cpu', (cpu() - c).toFixed(2));
  c = cpu(); const g = await rawGet(raw, 'fg-prof', 'raw.db', join(dir, 'copy')); console.log('get', g.toFixed(2), 'cpu', (cpu() - c).toFixed(2));
  c = cpu(); const sn = await snapshotRun(setup, dir); console.log('snap', sn.seconds.toFixed(2), 'cpu', (cpu() - c).toFixed(2), JSON.stringify(sn.phases));
  c = cpu(); const re = await restoreRun(setup, dir); console.log('restore', re.seconds.toFixed(2), 'cpu', (cpu() - c).toFixed(2), JSON.stringify(re.phases));
  raw.destroy(); provider.destroy();
} finally { rgw.stop(); rmSync(dir, { recursive: true, force: true }); }
