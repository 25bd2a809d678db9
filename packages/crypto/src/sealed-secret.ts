import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '@flowgento/core';

/**
 * Envelope encryption with key ids (format version 2). Each secret gets its
 * own random data key; the data key is wrapped by a master key from the key
 * ring, and the blob names that master key, so rotation can find and rewrap
 * every blob and a blob can never be read with a key it does not name.
 *
 * Layout:
 *   0x02 | master key id (16) | nonce (12) | wrapped data key (32) | tag (16)
 *        | nonce (12) | ciphertext | tag (16)
 *
 * The header (version and key id) and the caller's label are authenticated in
 * both layers, so changing either makes the blob unreadable.
 */
export const SEALED_FORMAT_VERSION = 2;
const KEY_ID_BYTES = 16;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES;
const WRAPPED_DATA_KEY_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;
const MIN_BYTES = HEADER_BYTES + WRAPPED_DATA_KEY_BYTES + IV_BYTES + TAG_BYTES;
const KEY_ID_PATTERN = /^[0-9a-f]{32}$/;

/** A master key of the ring, unwrapped; `id` is 32 lowercase hex characters. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** A new master key id: 16 random bytes as hex. */
export function newMasterKeyId(): string {
  return randomBytes(KEY_ID_BYTES).toString('hex');
}

/** A new random 32-byte master key. */
export function newMasterKey(): MasterKey {
  return { id: newMasterKeyId(), key: randomBytes(KEY_BYTES) };
}

/** Encrypts `plaintext` under a fresh data key wrapped by `master`; `aad` names the blob's home. */
export function sealSecret(
  master: MasterKey,
  plaintext: string | Buffer,
  aad: string,
): Buffer {
  assertMasterKey(master);
  const header = Buffer.concat([
    Buffer.from([SEALED_FORMAT_VERSION]),
    Buffer.from(master.id, 'hex'),
  ]);
  const dataKey = randomBytes(KEY_BYTES);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  try {
    return Buffer.concat([
      header,
      gcmSeal(master.key, dataKey, layerAad('data key', header, aad)),
      gcmSeal(dataKey, data, layerAad('secret', header, aad)),
    ]);
  } finally {
    dataKey.fill(0);
  }
}

/** True when `blob` is in this format (its version byte says 2). */
export function isSealedSecret(blob: Buffer): boolean {
  return blob.length > 0 && blob[0] === SEALED_FORMAT_VERSION;
}

/** The id of the master key a sealed blob names; refuses anything not in this format. */
export function sealedKeyId(blob: Buffer): string {
  if (!isSealedSecret(blob) || blob.length < MIN_BYTES) throw unsealFailed();
  return blob.subarray(1, HEADER_BYTES).toString('hex');
}

/**
 * Decrypts a `sealSecret` blob. Refuses with `secret_key_mismatch` a blob
 * that names another key than `master`, and with `secret_unwrap_failed` one
 * whose header, label, data key or ciphertext does not authenticate.
 */
export function unsealSecret(master: MasterKey, blob: Buffer, aad: string): Buffer {
  assertMasterKey(master);
  if (sealedKeyId(blob) !== master.id) {
    throw new AppError('KEY_REJECTED', 'A stored secret names another master key', {
      reason: 'secret_key_mismatch',
    });
  }
  const header = blob.subarray(0, HEADER_BYTES);
  const wrappedDataKey = blob.subarray(
    HEADER_BYTES,
    HEADER_BYTES + WRAPPED_DATA_KEY_BYTES,
  );
  const sealed = blob.subarray(HEADER_BYTES + WRAPPED_DATA_KEY_BYTES);

  const dataKey = gcmOpen(master.key, wrappedDataKey, layerAad('data key', header, aad));
  try {
    return gcmOpen(dataKey, sealed, layerAad('secret', header, aad));
  } finally {
    dataKey.fill(0);
  }
}

/** `unsealSecret` for secrets that were sealed as text. */
export function unsealSecretText(master: MasterKey, blob: Buffer, aad: string): string {
  return unsealSecret(master, blob, aad).toString('utf8');
}

function assertMasterKey(master: MasterKey): void {
  if (master.key.length !== KEY_BYTES || !KEY_ID_PATTERN.test(master.id)) {
    throw new AppError('INTERNAL', 'A master key must be 32 bytes with a 16-byte id', {
      reason: 'master_key_invalid',
    });
  }
}

// The layer name keeps a wrapped data key from being passed off as a secret.
function layerAad(layer: string, header: Buffer, aad: string): Buffer {
  return Buffer.concat([header, Buffer.from(`${layer}\0${aad}`, 'utf8')]);
}

function gcmSeal(key: Buffer, data: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]);
}

function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw unsealFailed();
  try {
    const iv = sealed.subarray(0, IV_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const ciphertext = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (cause) {
    throw unsealFailed(cause);
  }
}

// Same message and reason as the version-1 envelope: a caller handles both alike.
function unsealFailed(cause?: unknown): AppError {
  return new AppError('INTERNAL', 'A stored secret could not be decrypted', {
    reason: 'secret_unwrap_failed',
    cause,
  });
}
