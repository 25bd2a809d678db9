import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { AppError } from '@flowgento/core';

/**
 * Chunked AES-256-GCM for objects of any size (media, snapshots, shipped
 * segments), after the STREAM construction (Hoang, Reyhanitabar, Rogaway,
 * Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-
 * Resistance", 2015): each chunk is sealed on its own, so a reader can use
 * verified bytes as they arrive instead of trusting a whole stream's tag at
 * its end. The nonce holds the chunk's number and a flag for the last chunk,
 * so chunks cannot be reordered, dropped or cut off without failing.
 *
 * Layout: header (magic "FGS1", chunk size u32 BE, nonce prefix 7 bytes),
 * then chunks of `chunkSize` plaintext bytes, each followed by its 16-byte
 * tag; the last chunk is shorter (possibly empty) and flagged final.
 */
const MAGIC = Buffer.from('FGS1', 'ascii');
const PREFIX_BYTES = 7;
const HEADER_BYTES = MAGIC.length + 4 + PREFIX_BYTES;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const MAX_CHUNKS = 2 ** 32;

export const DEFAULT_CHUNK_BYTES = 64 * 1024;

export interface StreamCipherOptions {
  /** Names what is sealed (e.g. `media/<id>`), so ciphertext moved elsewhere fails. */
  aad: string;
  /** Plaintext bytes per chunk; 1 KiB to 16 MiB. */
  chunkBytes?: number;
}

/** How many bytes `encryptStream` writes for `plainBytes` of input. */
export function sealedSize(plainBytes: number, chunkBytes = DEFAULT_CHUNK_BYTES): number {
  const chunks = Math.max(1, Math.ceil(plainBytes / chunkBytes));
  return HEADER_BYTES + plainBytes + chunks * TAG_BYTES;
}

/** A new random 32-byte key, for one object or one backup generation. */
export function newStreamKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

const EMPTY = Buffer.alloc(0);

/**
 * Input received in pieces, handed on in exact chunk-sized runs of those
 * same pieces rather than joined: joining copied every byte once more (the
 * snapshot bench found it), as file reads come in 1 MiB and network reads in
 * 16-64 KiB, and the cipher takes its input in pieces anyway.
 */
class PendingBytes {
  private parts: Buffer[] = [];
  length = 0;

  push(piece: Buffer): void {
    if (piece.length === 0) return;
    this.parts.push(piece);
    this.length += piece.length;
  }

  /** The first `bytes` bytes, as views of the pieces they came in. */
  take(bytes: number): Buffer[] {
    const out: Buffer[] = [];
    let wanted = bytes;
    while (wanted > 0) {
      const first = this.parts[0]!;
      if (first.length <= wanted) {
        out.push(first);
        this.parts.shift();
        wanted -= first.length;
      } else {
        out.push(first.subarray(0, wanted));
        this.parts[0] = first.subarray(wanted);
        wanted = 0;
      }
    }
    this.length -= bytes;
    return out;
  }

  /** Everything as one buffer, which then stays the only part. */
  joined(): Buffer {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts, this.length)];
    return this.parts[0] ?? EMPTY;
  }

  /** Replaces the contents with `rest`. */
  keep(rest: Buffer): void {
    this.parts = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
  }
}

/**
 * The cipher's input is handed over at most this much at a time, so that
 * each output comes from the allocator's reused heap: a whole 1 MiB chunk's
 * output was fresh memory every time, and faulting its pages in took half
 * of a snapshot's sealing time (`npm run bench:backup`).
 */
const CIPHER_PIECE_BYTES = 64 * 1024;

/** One object's chunk seals: its header, nonce prefix and next chunk number. */
class ChunkCipher {
  private readonly prefix = randomBytes(PREFIX_BYTES);
  readonly header = Buffer.alloc(HEADER_BYTES);
  private readonly aad: Buffer;
  private index = 0;

  constructor(
    private readonly key: Buffer,
    chunkBytes: number,
    aad: string,
  ) {
    assertKey(key);
    MAGIC.copy(this.header, 0);
    this.header.writeUInt32BE(chunkBytes, MAGIC.length);
    this.prefix.copy(this.header, MAGIC.length + 4);
    this.aad = Buffer.concat([this.header, Buffer.from(aad, 'utf8')]);
  }

  /** One chunk, given in pieces: its ciphertext, then its tag. */
  seal(plain: Buffer[], final: boolean): Buffer[] {
    if (this.index >= MAX_CHUNKS) throw tooLong();
    const nonce = nonceOf(this.prefix, this.index, final);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce, {
      authTagLength: TAG_BYTES,
    });
    cipher.setAAD(this.aad);
    this.index += 1;
    const out: Buffer[] = [];
    for (const piece of plain) {
      for (let at = 0; at < piece.length; at += CIPHER_PIECE_BYTES) {
        out.push(cipher.update(piece.subarray(at, at + CIPHER_PIECE_BYTES)));
      }
    }
    out.push(cipher.final(), cipher.getAuthTag());
    return out.filter((part) => part.length > 0);
  }
}

/**
 * Seals input as it is given: `update` returns the sealed chunks that are
 * complete, `final` the rest. Always keeps at least one byte back, because
 * only the end of input says which chunk is the last.
 */
class Sealer {
  private readonly cipher: ChunkCipher;
  private readonly pending = new PendingBytes();
  private started = false;

  constructor(
    key: Buffer,
    private readonly chunkBytes: number,
    aad: string,
  ) {
    this.cipher = new ChunkCipher(key, chunkBytes, aad);
  }

  update(chunk: Buffer, emit: (sealed: Buffer) => void): void {
    for (const header of this.start()) emit(header);
    this.pending.push(chunk);
    while (this.pending.length > this.chunkBytes) {
      for (const sealed of this.cipher.seal(this.pending.take(this.chunkBytes), false)) {
        emit(sealed);
      }
    }
  }

  final(): Buffer[] {
    const out = this.start();
    out.push(...this.cipher.seal(this.pending.take(this.pending.length), true));
    return out;
  }

  private start(): Buffer[] {
    if (this.started) return [];
    this.started = true;
    return [this.cipher.header];
  }
}

/**
 * Seals input whose length is known before it starts, one whole chunk per
 * call, in `encryptStream`'s layout (and `sealedSize`'s length). The length
 * says which chunk is the last, so nothing is held back: a caller may reuse
 * its plaintext buffer as soon as `seal` returns, where `encryptStream`
 * needs a new one for every read.
 */
export class SizedSealer {
  /** Chunks the input is cut into: `seal` is called exactly this often. */
  readonly chunks: number;
  readonly chunkBytes: number;
  private readonly cipher: ChunkCipher;
  private sealed = 0;
  private plainLeft: number;

  constructor(
    key: Buffer,
    options: StreamCipherOptions,
    readonly plainBytes: number,
  ) {
    this.chunkBytes = checkedChunkBytes(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    if (!Number.isSafeInteger(plainBytes) || plainBytes < 0) throw lengthMismatch();
    this.chunks = Math.max(1, Math.ceil(plainBytes / this.chunkBytes));
    if (this.chunks > MAX_CHUNKS) throw tooLong();
    this.cipher = new ChunkCipher(key, this.chunkBytes, options.aad);
    this.plainLeft = plainBytes;
  }

  /** What goes before the first chunk. */
  get header(): Buffer {
    return this.cipher.header;
  }

  /** The next chunk's plaintext length: a whole chunk, or what is left. */
  get nextLength(): number {
    return Math.min(this.chunkBytes, this.plainLeft);
  }

  /** Seals the next chunk, which must be `nextLength` bytes. */
  seal(plain: Buffer): Buffer[] {
    if (this.sealed >= this.chunks || plain.length !== this.nextLength) {
      throw lengthMismatch();
    }
    this.sealed += 1;
    this.plainLeft -= plain.length;
    return this.cipher.seal([plain], this.sealed === this.chunks);
  }
}

/** Opens what a `Sealer` sealed, emitting a chunk only once its tag checked out. */
class Opener {
  private prefix: Buffer | undefined;
  private aad: Buffer | undefined;
  private sealedChunk = 0;
  private readonly buffered = new PendingBytes();
  private index = 0;

  constructor(
    private readonly key: Buffer,
    private readonly context: string,
  ) {
    assertKey(key);
  }

  /** Opens every complete chunk; `emit` has the good ones even when a later one fails. */
  update(chunk: Buffer, emit: (plain: Buffer) => void): void {
    this.buffered.push(chunk);
    if (!this.prefix && !this.readHeader()) return;
    // A full sealed chunk is the last one only if nothing follows it.
    while (this.buffered.length > this.sealedChunk) {
      const body = this.buffered.take(this.sealedChunk - TAG_BYTES);
      const tag = Buffer.concat(this.buffered.take(TAG_BYTES), TAG_BYTES);
      for (const plain of this.open(body, tag, false)) emit(plain);
    }
  }

  final(): Buffer[] {
    if (!this.prefix || this.buffered.length < TAG_BYTES) throw invalid();
    const body = this.buffered.take(this.buffered.length - TAG_BYTES);
    const tag = Buffer.concat(this.buffered.take(TAG_BYTES), TAG_BYTES);
    return this.open(body, tag, true);
  }

  private readHeader(): boolean {
    if (this.buffered.length < HEADER_BYTES) return false;
    const all = this.buffered.joined();
    const header = all.subarray(0, HEADER_BYTES);
    if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw invalid();
    const chunkBytes = checkedChunkBytes(header.readUInt32BE(MAGIC.length), invalid);
    this.sealedChunk = chunkBytes + TAG_BYTES;
    this.prefix = Buffer.from(header.subarray(MAGIC.length + 4));
    this.aad = Buffer.concat([header, Buffer.from(this.context, 'utf8')]);
    this.buffered.keep(all.subarray(HEADER_BYTES));
    return true;
  }

  /**
   * One chunk, given in pieces. Its plaintext is returned only once the tag
   * checked out at `final()`: nothing unverified leaves this function.
   */
  private open(body: Buffer[], tag: Buffer, final: boolean): Buffer[] {
    if (!this.prefix || !this.aad) throw invalid();
    try {
      const nonce = nonceOf(this.prefix, this.index, final);
      const decipher = createDecipheriv('aes-256-gcm', this.key, nonce, {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(this.aad);
      decipher.setAuthTag(tag);
      const plain = body.map((piece) => decipher.update(piece));
      plain.push(decipher.final());
      this.index += 1;
      return plain.filter((piece) => piece.length > 0);
    } catch (cause) {
      throw invalid(cause);
    }
  }
}

/** A Transform that seals what is written to it. */
export function encryptStream(key: Buffer, options: StreamCipherOptions): Transform {
  const chunkBytes = checkedChunkBytes(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  return transformOf(new Sealer(key, chunkBytes, options.aad));
}

/**
 * A Transform that opens what `encryptStream` sealed. It emits a chunk's
 * bytes only after that chunk's tag checked out, and fails with
 * `sealed_stream_invalid` on a wrong key or aad, tampering, reordering or
 * truncation. Bytes already emitted were genuine, but a caller must still
 * treat the whole as valid only once the stream ends without error.
 */
export function decryptStream(key: Buffer, options: { aad: string }): Transform {
  return transformOf(new Opener(key, options.aad));
}

/** Seals bytes already in memory (small objects, shipped segments). */
export function encryptBytes(
  key: Buffer,
  plain: Buffer,
  options: StreamCipherOptions,
): Buffer {
  const chunkBytes = checkedChunkBytes(options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const sealer = new Sealer(key, chunkBytes, options.aad);
  const out: Buffer[] = [];
  sealer.update(plain, (sealed) => out.push(sealed));
  return Buffer.concat([...out, ...sealer.final()]);
}

/** Opens bytes sealed by `encryptBytes` or `encryptStream`. */
export function decryptBytes(
  key: Buffer,
  sealed: Buffer,
  options: { aad: string },
): Buffer {
  const opener = new Opener(key, options.aad);
  const out: Buffer[] = [];
  opener.update(sealed, (plain) => out.push(plain));
  return Buffer.concat([...out, ...opener.final()]);
}

function transformOf(worker: {
  update(chunk: Buffer, emit: (out: Buffer) => void): void;
  final(): Buffer[];
}) {
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      try {
        worker.update(chunk, (out) => this.push(out));
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        for (const out of worker.final()) this.push(out);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}

function nonceOf(prefix: Buffer, index: number, final: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, PREFIX_BYTES);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) {
    throw new AppError('INTERNAL', 'A stream key must be 32 bytes', {
      reason: 'stream_key_invalid',
    });
  }
}

function checkedChunkBytes(value: number, fail: () => AppError = badChunkSize): number {
  if (!Number.isInteger(value) || value < 1024 || value > 16 * 1024 * 1024) throw fail();
  return value;
}

function badChunkSize(): AppError {
  return new AppError('INTERNAL', 'A chunk size must be 1 KiB to 16 MiB', {
    reason: 'stream_chunk_invalid',
  });
}

function tooLong(): AppError {
  return new AppError('INVALID_INPUT', 'The object is too large to seal', {
    reason: 'sealed_stream_too_long',
  });
}

function lengthMismatch(): AppError {
  return new AppError('INTERNAL', 'The input to seal is not the length that was said', {
    reason: 'sealed_length_mismatch',
  });
}

function invalid(cause?: unknown): AppError {
  return new AppError(
    'UPSTREAM_FAILED',
    'The encrypted object is damaged, incomplete or sealed with another key',
    { reason: 'sealed_stream_invalid', cause },
  );
}
