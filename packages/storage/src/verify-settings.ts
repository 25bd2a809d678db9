import { AppError, isAppError } from '@flowgento/core';
import { S3StorageProvider } from './s3-provider.ts';
import type { S3Settings } from './s3-settings.ts';

// What the live check can find wrong with the settings themselves, as
// opposed to a provider that is down for now.
const SETTINGS_FAULTS = new Set([
  'bucket_not_found',
  'credentials_rejected',
  'access_denied',
]);

/**
 * The live half of validating S3 settings: HeadBucket, then a small object
 * written, listed, read back, verified and deleted. A missing bucket or
 * refused credentials become INVALID_INPUT (the settings are wrong), keeping
 * the reason and the field; an unreachable or failing provider stays
 * UPSTREAM_FAILED.
 */
export async function verifyS3Settings(settings: S3Settings): Promise<void> {
  const provider = new S3StorageProvider(settings);
  try {
    await provider.check();
  } catch (error) {
    if (isAppError(error) && error.reason && SETTINGS_FAULTS.has(error.reason)) {
      throw new AppError('INVALID_INPUT', error.message, {
        reason: error.reason,
        details: error.details,
      });
    }
    throw error;
  } finally {
    provider.destroy();
  }
}
