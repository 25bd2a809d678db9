import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '@flowgento/core';

/**
 * Envelope encryption for secrets stored at rest (WhatsApp tokens, app
 * secrets, TLS private keys), under a key derived for that purpose rather than
 * the database key, so a leaked database file alone reveals none of them.
 *
 * Layout: version (1 byte) | IV (12 bytes) | ciphertext | GCM tag (16 bytes).
 */
const FORMAT_VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES;

/**
 * Encrypts `plaintext` with AES-256-GCM. `aad` names where the blob is stored
 * (e.g. `whatsapp_numbers/<id>/access_token`), so a blob copied to another
 * row or column no longer decrypts.
 */
export function wrapSecret(key: Buffer, plaintext: string | Buffer, aad: string): Buffer {
  if (key.length !== KEY_BYTES) {
    throw new AppError('INTERNAL', 'The secret wrapping key must be 32 bytes', {
      reason: 'secret_key_invalid',
    });
  }
  const version = Buffer.from([FORMAT_VERSION]);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(version, aad));

  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  return Buffer.concat([version, iv, ciphertext, cipher.getAuthTag()]);
}

/** Decrypts a `wrapSecret` blob; tampering, a wrong key or a wrong `aad` fail alike. */
export function unwrapSecret(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (key.length !== KEY_BYTES || blob.length < HEADER_BYTES + TAG_BYTES) {
    throw unwrapFailed();
  }
  const version = blob.subarray(0, 1);
  if (version[0] !== FORMAT_VERSION) throw unwrapFailed();

  const iv = blob.subarray(1, HEADER_BYTES);
  const ciphertext = blob.subarray(HEADER_BYTES, blob.length - TAG_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(version, aad));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (cause) {
    throw unwrapFailed(cause);
  }
}

/** `unwrapSecret` for secrets that were wrapped as text. */
export function unwrapSecretText(key: Buffer, blob: Buffer, aad: string): string {
  return unwrapSecret(key, blob, aad).toString('utf8');
}

/**
 * The version byte is authenticated along with the caller's label, so a blob
 * cannot be relabelled as another format version without failing the tag.
 */
function associatedData(version: Buffer, aad: string): Buffer {
  return Buffer.concat([version, Buffer.from(aad, 'utf8')]);
}

// One message for every cause: telling a wrong key from a flipped bit helps only attackers.
function unwrapFailed(cause?: unknown): AppError {
  return new AppError('INTERNAL', 'A stored secret could not be decrypted', {
    reason: 'secret_unwrap_failed',
    cause,
  });
}
