import { AppError } from '@flowgento/core';
import type { StoragePreset } from '@flowgento/store';
import { parseEndpoint } from './s3-endpoint.ts';

/** Which kind of S3-compatible service: decides how the endpoint and region are found. */
export type S3Preset = StoragePreset;

interface Credentials {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** What an admin enters for each preset. */
export type S3SettingsInput =
  | ({ preset: 'r2'; accountId: string; jurisdiction?: 'eu' } & Credentials)
  | ({ preset: 'e2'; endpoint: string; region?: string } & Credentials)
  | ({ preset: 's3-compatible'; endpoint: string; region: string } & Credentials);

/** Checked settings, complete enough to build a client: no network call made yet. */
export interface S3Settings extends Credentials {
  preset: S3Preset;
  /** The origin, e.g. `https://<accountId>.r2.cloudflarestorage.com`. */
  endpoint: string;
  region: string;
}

/**
 * Cloudflare R2: one endpoint per account (or per jurisdiction), region
 * `auto`. A template only: nothing connects to it unless an admin saves
 * settings with a real account id.
 */
export const R2_ENDPOINT_TEMPLATE = 'https://<accountId>.r2.cloudflarestorage.com';

/** iDrive e2's fallback region when the endpoint does not name one. */
export const E2_DEFAULT_REGION = 'us-east-1';

const ACCOUNT_ID = /^[0-9a-f]{32}$/;
const REGION = /^[a-z0-9][a-z0-9-]{0,31}$/;
// S3's bucket naming rules, which R2 and e2 share.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PRINTABLE = /^[\x21-\x7e]+$/;
// e2's regional endpoints are s3.<region>.idrivee2.com (e.g. s3.us-west-1…).
const E2_REGIONAL_HOST = /^s3\.([a-z]{2}-[a-z]+-\d+)\.idrivee2\.com$/;

/**
 * Checks settings as entered, before anything is sent anywhere. Each refusal
 * is INVALID_INPUT with a stable `reason` and the `field` it concerns; no
 * message repeats what was entered, so a secret pasted in the wrong field
 * never comes back in an error.
 */
export function parseS3Settings(input: unknown): S3Settings {
  const fields = asRecord(input);
  const location = locate(fields);
  return {
    ...location,
    bucket: bucketName(fields['bucket']),
    accessKeyId: printable(fields['accessKeyId'], 'accessKeyId', 128),
    secretAccessKey: printable(fields['secretAccessKey'], 'secretAccessKey', 256),
  };
}

/** Where the preset's service is: its endpoint and signing region. */
function locate(
  fields: Record<string, unknown>,
): Pick<S3Settings, 'preset' | 'endpoint' | 'region'> {
  switch (fields['preset']) {
    case 'r2':
      return { preset: 'r2', ...r2Location(fields) };
    case 'e2': {
      const endpoint = parseEndpoint(fields['endpoint']);
      const region =
        fields['region'] === undefined || fields['region'] === ''
          ? e2RegionOf(endpoint)
          : regionName(fields['region']);
      return { preset: 'e2', endpoint, region };
    }
    case 's3-compatible':
      return {
        preset: 's3-compatible',
        endpoint: parseEndpoint(fields['endpoint']),
        region: regionName(fields['region']),
      };
    default:
      throw invalid(
        'preset',
        'preset_unknown',
        'The preset must be r2, e2 or s3-compatible',
      );
  }
}

/** The region an e2 endpoint names, or e2's default. */
export function e2RegionOf(endpoint: string): string {
  return E2_REGIONAL_HOST.exec(new URL(endpoint).hostname)?.[1] ?? E2_DEFAULT_REGION;
}

function r2Location(fields: Record<string, unknown>): {
  endpoint: string;
  region: string;
} {
  const accountId = fields['accountId'];
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw invalid(
      'accountId',
      'account_id_invalid',
      'The Cloudflare account id is 32 lowercase hexadecimal characters',
    );
  }
  const jurisdiction = fields['jurisdiction'];
  if (jurisdiction !== undefined && jurisdiction !== 'eu') {
    throw invalid(
      'jurisdiction',
      'jurisdiction_unknown',
      'The jurisdiction is eu or none',
    );
  }
  const host = jurisdiction === 'eu' ? `${accountId}.eu` : accountId;
  return { endpoint: `https://${host}.r2.cloudflarestorage.com`, region: 'auto' };
}

function bucketName(value: unknown): string {
  if (typeof value !== 'string' || !BUCKET.test(value) || value.includes('..')) {
    throw invalid(
      'bucket',
      'bucket_name_invalid',
      'A bucket name is 3 to 63 lowercase letters, digits, dots and hyphens',
    );
  }
  return value;
}

function regionName(value: unknown): string {
  if (typeof value !== 'string' || !REGION.test(value)) {
    throw invalid('region', 'region_invalid', 'A region is a name such as us-east-1');
  }
  return value;
}

function printable(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length > maxLength || !PRINTABLE.test(value)) {
    throw invalid(
      field,
      `${snakeCase(field)}_invalid`,
      `The ${field} is required: up to ${maxLength} printable characters, no spaces`,
    );
  }
  return value;
}

function asRecord(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('settings', 'settings_invalid', 'Storage settings must be an object');
  }
  return input as Record<string, unknown>;
}

function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function invalid(field: string, reason: string, message: string): AppError {
  return new AppError('INVALID_INPUT', message, { reason, details: { field } });
}
