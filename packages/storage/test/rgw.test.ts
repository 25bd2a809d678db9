import { afterAll, beforeAll, describe } from 'vitest';
import { faultSuite } from './fault-proxy.suite.ts';
import { providerSettingsSuite } from './provider-settings.suite.ts';
import { s3ProviderSuite } from './s3-provider.suite.ts';
import { FaultProxy } from './support/fault-proxy.ts';
import { useRgw } from './support/rgw.ts';

// One gateway for every suite that needs a real S3 server: Ceph takes about
// 12 s to start, and on a two-core machine vitest runs test files one after
// another, so a gateway per file would add that much again.
const gateway = useRgw();
let passthrough: FaultProxy | undefined;

beforeAll(async () => {
  console.log(`RADOS Gateway started in ${gateway().startSeconds.toFixed(1)} s`);
  passthrough = await FaultProxy.start(gateway().endpoint);
});
afterAll(() => passthrough?.close());

describe('the S3 provider against a real RADOS Gateway', () => s3ProviderSuite(gateway));
describe('the S3 provider through the fault proxy, passing everything', () =>
  s3ProviderSuite(
    () => ({ ...gateway(), endpoint: passthrough!.url }),
    'flowgento-proxied',
  ));
describe('storage provider settings', () => providerSettingsSuite(gateway));
describe('failover under injected faults', () => faultSuite(gateway));
