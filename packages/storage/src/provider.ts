import type { Readable } from 'node:stream';

/** What a put stored: the key, its length and our own SHA-256 of its bytes. */
export interface StoredObject {
  key: string;
  size: number;
  /** Lowercase hex. Keep it beside the key: `get` needs it back. */
  sha256: string;
}

/** What a put with `digest: 'none'` stored: the key and its length only. */
export interface UnhashedObject {
  key: string;
  size: number;
  sha256: null;
}

/**
 * What the caller recorded at `put`; a download whose bytes differ fails.
 * `sha256: null` checks the length only: for an object put with
 * `digest: 'none'`, whose reader authenticates every byte itself.
 */
export interface ExpectedObject {
  size: number;
  sha256: string | null;
}

/** An object as the provider lists it. */
export interface ObjectInfo {
  key: string;
  size: number;
  /** Milliseconds since the epoch, as the provider reports it. */
  modifiedAt: number;
}

/** Bytes to store: a stream of any length, or bytes already in memory. */
export type ObjectBody = Readable | AsyncIterable<Uint8Array> | Uint8Array;

/** Lets a caller give up on a request: the provider stops sending and waiting. */
export interface RequestOptions {
  signal?: AbortSignal;
}

export interface PutOptions extends RequestOptions {
  contentType?: string;
  /**
   * The body's exact length, when the caller knows it (a sealed snapshot):
   * an S3 provider then streams it in one request instead of buffering it
   * into parts, and fails the put if the body turns out longer or shorter.
   */
  size?: number;
  /** A SHA-256 of the bytes, returned and checked on `get`: the default. */
  digest?: 'sha256';
}

/**
 * A put of bytes the caller authenticates itself, so the provider takes no
 * SHA-256 of them: each chunk of a sealed snapshot is AEAD-sealed with its
 * index, a last-chunk flag and the object's name, and its opener refuses a
 * changed, cut or swapped byte. The hash added nothing there but a pass
 * over every byte on the event loop, on upload and again on download.
 * Everything else (media included) keeps the default.
 */
export interface UnhashedPutOptions extends Omit<PutOptions, 'digest'> {
  digest: 'none';
}

export type ProviderKind = 'local' | 's3';

/**
 * One place objects live: the local disk (the embedded default) or an
 * S3-compatible bucket. Keys are relative paths checked by `assertObjectKey`.
 *
 * Providers do not trust their own storage: `put` returns a SHA-256 computed
 * here, the caller keeps it in its own records, and `get` checks the bytes
 * against it (unless the caller seals and authenticates them itself, see
 * `UnhashedPutOptions`). Every failure is an `AppError` with a stable `reason`.
 */
export interface StorageProvider {
  readonly kind: ProviderKind;
  /** Releases held connections (an S3 client's); nothing to do for a local folder. */
  destroy?(): void;
  /** Stores `body` under `key`, replacing any object there. */
  put(
    key: string,
    body: ObjectBody,
    options: UnhashedPutOptions,
  ): Promise<UnhashedObject>;
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<StoredObject>;
  /**
   * Streams the object. Bytes flow as they arrive, so the stream fails (with
   * `checksum_mismatch`) only at the end when they were not what `expected`
   * says: consume it into a temporary place and use the result only once the
   * stream has ended without error. A missing object rejects with
   * `object_not_found` before any byte.
   */
  get(key: string, expected: ExpectedObject, options?: RequestOptions): Promise<Readable>;
  /** The object's size and time, or undefined when there is none. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string, options?: RequestOptions): Promise<void>;
  /** Every object whose key starts with `prefix`, in key order. */
  list(prefix?: string): AsyncIterable<ObjectInfo>;
  /**
   * Proves the provider works end to end: a small object is written, listed,
   * read back, verified and removed. Rejects with the reason it does not.
   */
  check(): Promise<void>;
}

/** `provider.put` with options of either kind, for wrappers that pass them on. */
export function putEither(
  provider: StorageProvider,
  key: string,
  body: ObjectBody,
  options: PutOptions | UnhashedPutOptions,
): Promise<StoredObject | UnhashedObject> {
  return options.digest === 'none'
    ? provider.put(key, body, options)
    : provider.put(key, body, options);
}
