import type { Readable } from 'node:stream';

/** What a put stored: the key, its length and our own SHA-256 of its bytes. */
export interface StoredObject {
  key: string;
  size: number;
  /** Lowercase hex. Keep it beside the key: `get` needs it back. */
  sha256: string;
}

/** What the caller recorded at `put`; a download whose bytes differ fails. */
export interface ExpectedObject {
  size: number;
  sha256: string;
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
}

export type ProviderKind = 'local' | 's3';

/**
 * One place objects live: the local disk (the embedded default) or an
 * S3-compatible bucket. Keys are relative paths checked by `assertObjectKey`.
 *
 * Providers do not trust their own storage: `put` returns a SHA-256 computed
 * here, the caller keeps it in its own records, and `get` checks the bytes
 * against it. Every failure is an `AppError` with a stable `reason`.
 */
export interface StorageProvider {
  readonly kind: ProviderKind;
  /** Releases held connections (an S3 client's); nothing to do for a local folder. */
  destroy?(): void;
  /** Stores `body` under `key`, replacing any object there. */
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
