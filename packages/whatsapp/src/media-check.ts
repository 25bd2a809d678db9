import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@flowgento/core';

/**
 * Passes a download through while counting and hashing it: more bytes than
 * `maxBytes` fail at once, and at the end the length must be `expectedSize`
 * and the SHA-256 Meta reported (hex or base64, both seen in the wild) must
 * match. Everything downstream must treat the bytes as unverified until this
 * stream has ended without error.
 */
export function checkedDownload(expected: {
  size: number;
  maxBytes: number;
  sha256: string;
}): Transform {
  const hash = createHash('sha256');
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > expected.maxBytes || seen > expected.size) {
        return done(
          mediaRefused('media_size_mismatch', 'The file is larger than declared'),
        );
      }
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (seen !== expected.size) {
        return done(
          mediaRefused('media_size_mismatch', 'The file is shorter than declared'),
        );
      }
      const digest = hash.digest();
      const declared = expected.sha256.trim();
      const matches =
        declared.toLowerCase() === digest.toString('hex') ||
        declared === digest.toString('base64');
      if (!matches) {
        return done(
          mediaRefused('media_checksum_mismatch', 'The file does not match its SHA-256'),
        );
      }
      done();
    },
  });
}

/** A permanent refusal of a media file: asking again brings the same bytes. */
export function mediaRefused(reason: string, message: string): AppError {
  return new AppError('UPSTREAM_FAILED', message, {
    reason,
    details: { retryable: false },
  });
}
