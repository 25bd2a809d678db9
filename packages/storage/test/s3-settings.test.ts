import { describe, expect, it } from 'vitest';
import { parseS3Settings, type S3SettingsInput } from '../src/index.ts';
import { caughtAppError } from './support/errors.ts';

// Addresses in this file are only ever parsed, never contacted; `.invalid`
// names cannot even resolve. (That an insecure endpoint is refused before any
// request is checked through the settings service, in provider-settings.test.ts.)
const credentials = {
  bucket: 'flowgento-media',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY',
};
const ACCOUNT = '0123456789abcdef0123456789abcdef';

const refusal = async (input: unknown) => caughtAppError(() => parseS3Settings(input));

describe('the presets', () => {
  it('builds the Cloudflare R2 endpoint from the account id, region auto', () => {
    expect(parseS3Settings({ preset: 'r2', accountId: ACCOUNT, ...credentials })).toEqual(
      {
        preset: 'r2',
        endpoint: `https://${ACCOUNT}.r2.cloudflarestorage.com`,
        region: 'auto',
        ...credentials,
      },
    );
    expect(
      parseS3Settings({
        preset: 'r2',
        accountId: ACCOUNT,
        jurisdiction: 'eu',
        ...credentials,
      }).endpoint,
    ).toBe(`https://${ACCOUNT}.eu.r2.cloudflarestorage.com`);
  });

  it('takes the iDrive e2 region from a regional endpoint, unless one is given', () => {
    const e2 = (endpoint: string, region?: string) =>
      parseS3Settings({ preset: 'e2', endpoint, region, ...credentials });
    expect(e2('https://s3.us-west-1.idrivee2.com')).toMatchObject({
      endpoint: 'https://s3.us-west-1.idrivee2.com',
      region: 'us-west-1',
    });
    expect(e2('https://s3.eu-central-2.idrivee2.com/').region).toBe('eu-central-2');
    expect(e2('https://s3.or-1.idrivee2.com').region).toBe('us-east-1');
    expect(e2('https://s3.or-1.idrivee2.com', 'us-west-1').region).toBe('us-west-1');
  });

  it('needs endpoint and region for any other S3-compatible service', async () => {
    expect(
      parseS3Settings({
        preset: 's3-compatible',
        endpoint: 'https://objects.example.invalid:8443',
        region: 'eu-west-1',
        ...credentials,
      }),
    ).toMatchObject({
      endpoint: 'https://objects.example.invalid:8443',
      region: 'eu-west-1',
    });
    const error = await refusal({
      preset: 's3-compatible',
      endpoint: 'https://objects.example.invalid',
      ...credentials,
    });
    expect(error).toMatchObject({
      reason: 'region_invalid',
      details: { field: 'region' },
    });
  });
});

describe('endpoint checks', () => {
  const s3 = (endpoint: string): S3SettingsInput => ({
    preset: 's3-compatible',
    endpoint,
    region: 'us-east-1',
    ...credentials,
  });

  it.each([
    ['http://127.0.0.1:7480', 'http://127.0.0.1:7480'],
    ['http://127.8.9.10:7480/', 'http://127.8.9.10:7480'],
    ['http://[::1]:7480', 'http://[::1]:7480'],
  ])('accepts plain http on the loopback address %s', (endpoint, origin) => {
    expect(parseS3Settings(s3(endpoint)).endpoint).toBe(origin);
  });

  it.each([
    'http://s3.example.invalid',
    'http://10.0.0.8:9000',
    'http://192.168.1.20:9000',
    'http://localhost:7480',
    'http://[::ffff:127.0.0.1]:7480',
    's3.example.invalid',
    '//s3.example.invalid',
    'ftp://s3.example.invalid',
  ])('refuses %s as not https', async (endpoint) => {
    const error = await refusal(s3(endpoint));
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      reason: 'endpoint_not_https',
      details: { field: 'endpoint' },
    });
  });

  it.each([
    'https://user:pass@s3.example.invalid',
    'https://s3.example.invalid/bucket',
    'https://s3.example.invalid/?x=1',
    'https://',
    '',
  ])('refuses the malformed endpoint %j', async (endpoint) => {
    expect(await refusal(s3(endpoint))).toMatchObject({ reason: 'endpoint_invalid' });
  });
});

describe('field checks', () => {
  const r2 = { preset: 'r2', accountId: ACCOUNT, ...credentials };

  it.each([
    [{ ...r2, preset: 'gcs' }, 'preset', 'preset_unknown'],
    [{ ...r2, accountId: 'not-an-account' }, 'accountId', 'account_id_invalid'],
    [{ ...r2, jurisdiction: 'us' }, 'jurisdiction', 'jurisdiction_unknown'],
    [{ ...r2, bucket: 'Bad_Bucket' }, 'bucket', 'bucket_name_invalid'],
    [{ ...r2, bucket: 'ab' }, 'bucket', 'bucket_name_invalid'],
    [{ ...r2, accessKeyId: '' }, 'accessKeyId', 'access_key_id_invalid'],
    [
      { ...r2, secretAccessKey: undefined },
      'secretAccessKey',
      'secret_access_key_invalid',
    ],
  ])('refuses %j naming the field', async (input, field, reason) => {
    expect(await refusal(input)).toMatchObject({
      code: 'INVALID_INPUT',
      reason,
      details: { field },
    });
  });

  it('never repeats a secret in a refusal, even one pasted into the wrong field', async () => {
    const secret = 'pasted secret with spaces';
    for (const input of [
      { ...r2, secretAccessKey: secret },
      { ...r2, accessKeyId: secret },
      { ...r2, bucket: secret },
      { ...r2, accountId: secret },
      {
        preset: 'e2',
        endpoint: `http://${encodeURIComponent(secret)}.invalid`,
        ...credentials,
      },
    ]) {
      const error = await refusal(input);
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain(
        'pasted',
      );
      expect(error.cause).toBeUndefined();
    }
  });
});
