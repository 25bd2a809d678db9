import { beforeAll, describe } from 'vitest';
import { providerSettingsSuite } from './provider-settings.suite.ts';
import { s3ProviderSuite } from './s3-provider.suite.ts';
import { useRgw } from './support/rgw.ts';

// One gateway for every suite that needs a real S3 server: Ceph takes about
// 12 s to start, and on a two-core machine vitest runs test files one after
// another, so a gateway per file would add that much again.
const gateway = useRgw();

beforeAll(() => {
  console.log(`RADOS Gateway started in ${gateway().startSeconds.toFixed(1)} s`);
});

describe('the S3 provider against a real RADOS Gateway', () => s3ProviderSuite(gateway));
describe('storage provider settings', () => providerSettingsSuite(gateway));
