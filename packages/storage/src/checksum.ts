import { createHash, type Hash } from 'node:crypto';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { AppError, isAppError, type ErrorCode } from '@flowgento/core';
import type {
  ExpectedObject,
  ObjectBody,
  StoredObject,
  UnhashedObject,
} from './provider.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Counts and hashes bytes as they pass, for `put`; counts only for a body
 * the caller authenticates itself (`UnhashedPutOptions`).
 */
export class ObjectDigest {
  private readonly hash: Hash | undefined;
  size = 0;

  constructor(options: { digest?: 'sha256' | 'none' } = {}) {
    this.hash = options.digest === 'none' ? undefined : createHash('sha256');
  }

  update(chunk: Uint8Array): void {
    this.hash?.update(chunk);
    this.size += chunk.length;
  }

  /** What the put stored: its key, length and (unless asked not to) SHA-256. */
  stored(key: string): StoredObject | UnhashedObject {
    return this.hash
      ? { key, size: this.size, sha256: this.hash.digest('hex') }
      : { key, size: this.size, sha256: null };
  }

  /** True when the bytes are `expected`'s (of its length alone when it has no hash). */
  matches(expected: ExpectedObject): boolean {
    if (this.size !== expected.size) return false;
    return expected.sha256 === null || this.hash?.digest('hex') === expected.sha256;
  }
}

/** The bytes of any accepted body, chunk by chunk, as Buffers (no copies). */
export async function* bodyChunks(body: ObjectBody): AsyncIterable<Buffer> {
  if (body instanceof Uint8Array) {
    yield asBuffer(body);
    return;
  }
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (chunk instanceof Uint8Array) yield asBuffer(chunk);
    else if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else
      throw new AppError('INVALID_INPUT', 'An object body must yield bytes', {
        reason: 'object_body_invalid',
      });
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Refuses an `ExpectedObject` that cannot be what a put returned. */
export function assertExpected(expected: ExpectedObject): void {
  if (
    !Number.isSafeInteger(expected.size) ||
    expected.size < 0 ||
    (expected.sha256 !== null && !SHA256_HEX.test(expected.sha256))
  ) {
    throw new AppError(
      'INVALID_INPUT',
      'An expected object needs its size and a lowercase hex SHA-256 or null',
      { reason: 'expected_object_invalid' },
    );
  }
}

/**
 * The error a download ends with when its bytes are not the ones stored.
 * `code` says whose fault it is: the provider's (UPSTREAM_FAILED) or this
 * machine's disk (INTERNAL).
 */
export function checksumMismatch(code: ErrorCode): AppError {
  return new AppError(code, 'The stored object is not what was written', {
    reason: 'checksum_mismatch',
  });
}

/**
 * Passes `source` through, checking its length and SHA-256 (its length
 * alone when `expected.sha256` is null) against `expected`; ends with
 * `checksum_mismatch` when they differ. Errors of the source (a reset
 * connection, a read error) become `readFailed()`.
 */
export function verifiedStream(
  source: Readable,
  expected: ExpectedObject,
  failures: { code: ErrorCode; readFailed: (error: unknown) => AppError },
): Readable {
  const verifier = new VerifyingTransform(expected, failures);
  // Errors on either side destroy both; the caller sees them on `verifier`.
  pipeline(source, verifier, () => undefined);
  return verifier;
}

class VerifyingTransform extends Transform {
  private readonly digest: ObjectDigest;

  constructor(
    private readonly expected: ExpectedObject,
    private readonly failures: {
      code: ErrorCode;
      readFailed: (error: unknown) => AppError;
    },
  ) {
    super();
    this.digest = new ObjectDigest({
      digest: expected.sha256 === null ? 'none' : 'sha256',
    });
  }

  override _transform(chunk: Buffer, _encoding: string, done: TransformCallback): void {
    this.digest.update(chunk);
    // Longer than stored: no need to read the rest to know.
    if (this.digest.size > this.expected.size) {
      done(checksumMismatch(this.failures.code));
      return;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const intact = this.digest.matches(this.expected);
    done(intact ? null : checksumMismatch(this.failures.code));
  }

  override _destroy(error: Error | null, done: (error: Error | null) => void): void {
    if (error === null || isAppError(error)) done(error);
    else done(this.failures.readFailed(error));
  }
}
