import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { AppError } from '@flowgento/core';
import {
  assertExpected,
  bodyChunks,
  checksumMismatch,
  ObjectDigest,
  verifiedStream,
} from './checksum.ts';
import { assertKeyPrefix, assertObjectKey } from './object-key.ts';
import { probeProvider } from './probe.ts';
import type {
  ExpectedObject,
  ObjectBody,
  ObjectInfo,
  PutOptions,
  RequestOptions,
  StorageProvider,
  StoredObject,
  UnhashedObject,
  UnhashedPutOptions,
} from './provider.ts';
import { bucketNotFound, s3ErrorFacts, s3Failure } from './s3-errors.ts';
import type { S3Settings } from './s3-settings.ts';

/** Bodies up to this size go up in one request; longer ones in parts of it. */
export const PART_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;
/** Parts sent at once: memory is this many parts, plus the one being read. */
const PARTS_IN_FLIGHT = 4;
/**
 * Bodies of a known size up to this go up as one streamed request (the
 * services' limit for one PUT is 5 GiB): nothing is buffered or copied into
 * parts, which on the backup bench cost more than the sealing itself.
 */
const STREAMED_PUT_MAX = 4 * 1024 ** 3;

/**
 * The client every S3-compatible provider gets. Path-style addressing,
 * because custom endpoints rarely have a DNS name per bucket. Checksums only
 * when an operation requires one: the SDK's default sends streamed bodies
 * aws-chunked with a CRC32 trailer, which Ceph's gateway refuses (411) and
 * R2 and e2 handle no better; our own SHA-256 guards the bytes instead.
 * Credentials are given explicitly, so the SDK never looks for others (in
 * the environment, in files, or at a cloud metadata address).
 *
 * Bodies are sent with an unsigned payload: the signature covers the
 * request, not a SHA-256 of each part, which the SDK would otherwise take on
 * the event loop for every buffered part and the service take again (a
 * snapshot's upload ran a third slower for it). The bytes stay guarded: TLS
 * in transit, and every read checked against our own SHA-256 of the object.
 */
export function createS3Client(
  settings: S3Settings,
  tuning: { maxAttempts?: number } = {},
): S3Client {
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: tuning.maxAttempts ?? 3,
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 30_000 },
  });
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as {
        body?: unknown;
        headers?: Record<string, string>;
      };
      if (request.body !== undefined && request.headers) {
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    },
    { step: 'build', name: 'flowgentoUnsignedPayload' },
  );
  return client;
}

/** Objects in one bucket of an S3-compatible service (R2, e2, Ceph, AWS …). */
export class S3StorageProvider implements StorageProvider {
  readonly kind = 's3';
  private readonly client: S3Client;
  /** For streamed bodies, which cannot be sent twice: a failure is the caller's to retry. */
  private readonly streamingClient: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    this.client = createS3Client(settings);
    this.streamingClient = createS3Client(settings, { maxAttempts: 1 });
    this.bucket = settings.bucket;
  }

  put(
    key: string,
    body: ObjectBody,
    options: UnhashedPutOptions,
  ): Promise<UnhashedObject>;
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<StoredObject>;
  async put(
    key: string,
    body: ObjectBody,
    options: PutOptions | UnhashedPutOptions = {},
  ): Promise<StoredObject | UnhashedObject> {
    assertObjectKey(key);
    const digest = new ObjectDigest(options);
    const { signal } = options;
    if (
      options.size !== undefined &&
      options.size > PART_BYTES &&
      options.size <= STREAMED_PUT_MAX
    ) {
      await this.putStreamed(key, body, options.size, digest, options);
      return digest.stored(key);
    }
    const parts = partsOf(bodyChunks(body), digest)[Symbol.asyncIterator]();
    const first = await parts.next();

    // A first part shorter than a full one is the whole body.
    if (first.done || first.value.length < PART_BYTES) {
      const bytes = first.done ? Buffer.alloc(0) : first.value;
      await this.call(() =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: bytes,
            ContentLength: bytes.length,
            ContentType: options.contentType,
          }),
          { abortSignal: signal },
        ),
      );
    } else {
      await this.putInParts(key, first.value, parts, options);
    }
    return digest.stored(key);
  }

  async get(
    key: string,
    expected: ExpectedObject,
    options: RequestOptions = {},
  ): Promise<Readable> {
    assertObjectKey(key);
    assertExpected(expected);
    const response = await this.call(() =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: options.signal,
      }),
    );
    const body = response.Body;
    if (!(body instanceof Readable)) {
      throw new AppError('INTERNAL', 'The S3 client returned no stream', {
        reason: 'storage_stream_missing',
      });
    }
    if (
      response.ContentLength !== undefined &&
      response.ContentLength !== expected.size
    ) {
      body.destroy();
      throw checksumMismatch('UPSTREAM_FAILED');
    }
    return verifiedStream(body, expected, {
      code: 'UPSTREAM_FAILED',
      readFailed: s3Failure,
    });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertObjectKey(key);
    try {
      const response = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return {
        key,
        size: response.ContentLength ?? 0,
        modifiedAt: response.LastModified?.getTime() ?? 0,
      };
    } catch (error) {
      if (s3ErrorFacts(error).status === 404) return undefined;
      throw s3Failure(error);
    }
  }

  async delete(key: string, options: RequestOptions = {}): Promise<void> {
    assertObjectKey(key);
    await this.call(() =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }), {
        abortSignal: options.signal,
      }),
    );
  }

  async *list(prefix = ''): AsyncIterable<ObjectInfo> {
    assertKeyPrefix(prefix);
    let token: string | undefined;
    do {
      const page = await this.call(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix === '' ? undefined : prefix,
            ContinuationToken: token,
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        yield {
          key: object.Key,
          size: object.Size ?? 0,
          modifiedAt: object.LastModified?.getTime() ?? 0,
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  /**
   * HeadBucket first, which tells a missing bucket (404) apart. Its other
   * refusals have no body (it is a HEAD), so they cannot say whether the key
   * id, the secret or a permission is wrong, and some providers refuse it to
   * tokens scoped to objects: the probe's PUT then gives the real answer.
   */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      const { status } = s3ErrorFacts(error);
      if (status === 404) throw bucketNotFound();
      if (status === undefined || status >= 500) throw s3Failure(error);
    }
    await probeProvider(this);
  }

  /** Closes the client's idle connections. */
  destroy(): void {
    this.client.destroy();
    this.streamingClient.destroy();
  }

  /**
   * One PutObject whose body streams through as it is made. A body that
   * fails, or runs longer or shorter than said, aborts the request at once:
   * otherwise the service would wait for the missing bytes until a timeout.
   */
  private async putStreamed(
    key: string,
    body: ObjectBody,
    size: number,
    digest: ObjectDigest,
    options: PutOptions | UnhashedPutOptions,
  ): Promise<void> {
    const bodyFailed = new AbortController();
    const abortSignal = options.signal
      ? AbortSignal.any([options.signal, bodyFailed.signal])
      : bodyFailed.signal;
    let failure: unknown;
    const source = Readable.from(exactly(bodyChunks(body), size, digest));
    source.on('error', (error) => {
      failure = error;
      bodyFailed.abort();
    });
    try {
      await this.call(() =>
        this.streamingClient.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: source,
            ContentLength: size,
            ContentType: options.contentType,
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      throw failure ?? error;
    }
  }

  /**
   * A multipart upload with a few parts in flight at once, so reading and
   * sealing the next part overlaps sending the last ones (one at a time, a
   * snapshot went up at well under the raw PutObject rate). On any failure
   * the upload is aborted, so no invisible parts stay behind to be billed.
   */
  private async putInParts(
    key: string,
    first: Buffer,
    rest: AsyncIterator<Buffer>,
    options: PutOptions | UnhashedPutOptions,
  ): Promise<void> {
    const abortSignal = options.signal;
    const { UploadId: uploadId } = await this.call(() =>
      this.client.send(
        new CreateMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          ContentType: options.contentType,
        }),
        { abortSignal },
      ),
    );
    const upload = { Bucket: this.bucket, Key: key, UploadId: uploadId };
    const completed: CompletedPart[] = [];
    const inFlight = new Set<Promise<void>>();

    try {
      let number = 0;
      let part: IteratorResult<Buffer> = { done: false, value: first };
      while (!part.done) {
        const bytes = part.value;
        number += 1;
        if (number > MAX_PARTS) throw objectTooLarge();
        const partNumber = number;
        const sending: Promise<void> = this.call(() =>
          this.client.send(
            new UploadPartCommand({
              ...upload,
              PartNumber: partNumber,
              Body: bytes,
              ContentLength: bytes.length,
            }),
            { abortSignal },
          ),
        ).then(({ ETag }) => {
          completed.push({ ETag, PartNumber: partNumber });
          inFlight.delete(sending);
        });
        // A failure surfaces at the next race or at the end; until then it
        // must not count as unhandled.
        sending.catch(() => undefined);
        inFlight.add(sending);
        if (inFlight.size >= PARTS_IN_FLIGHT) await Promise.race(inFlight);
        part = await rest.next();
      }
      await Promise.all(inFlight);
      completed.sort((a, b) => a.PartNumber! - b.PartNumber!);
      await this.call(() =>
        this.client.send(
          new CompleteMultipartUploadCommand({
            ...upload,
            MultipartUpload: { Parts: completed },
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      // Parts still being sent are let finish (or fail) before the abort.
      await Promise.allSettled(inFlight);
      await this.client
        .send(new AbortMultipartUploadCommand(upload))
        .catch(() => undefined);
      throw error;
    }
  }

  /** Sends one request, turning SDK errors into AppErrors. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw s3Failure(error);
    }
  }
}

/**
 * The chunks, hashed as they pass, failing (and so cutting the request off)
 * as soon as they run past `size` or end short of it.
 */
async function* exactly(
  chunks: AsyncIterable<Buffer>,
  size: number,
  digest: ObjectDigest,
): AsyncIterable<Buffer> {
  for await (const chunk of chunks) {
    digest.update(chunk);
    if (digest.size > size) throw sizeNotAsSaid(size);
    yield chunk;
  }
  if (digest.size !== size) throw sizeNotAsSaid(size);
}

function sizeNotAsSaid(size: number): AppError {
  return new AppError(
    'INTERNAL',
    `The object's body is not the ${size} bytes it was said to be`,
    {
      reason: 'object_size_mismatch',
    },
  );
}

/** Chunks gathered into parts of at least PART_BYTES (the last may be shorter). */
async function* partsOf(
  chunks: AsyncIterable<Buffer>,
  digest: ObjectDigest,
): AsyncIterable<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    digest.update(chunk);
    pending.push(chunk);
    length += chunk.length;
    if (length >= PART_BYTES) {
      yield Buffer.concat(pending, length);
      pending = [];
      length = 0;
    }
  }
  if (length > 0) yield Buffer.concat(pending, length);
}

function objectTooLarge(): AppError {
  return new AppError('INVALID_INPUT', 'The object is larger than a provider accepts', {
    reason: 'object_too_large',
  });
}
