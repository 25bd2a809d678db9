import fs from 'node:fs';
import { unwrapSecret, wrapSecret } from './envelope.ts';
import { writeFileAtomic } from './files.ts';
import { tlsWrappedKeys } from './certificates.ts';

/**
 * The TLS private keys are wrapped by the root key's tls subkey; a database
 * rekey changes the root key, so they are rewrapped in two steps: staged as
 * `<file>.next` beside the current ones, then moved into place.
 */
export function stageTlsRewrap(dir: string, oldKey: Buffer, newKey: Buffer): number {
  let staged = 0;
  for (const { file, aad } of tlsWrappedKeys(dir)) {
    if (!fs.existsSync(file)) continue;
    const keyPem = unwrapSecret(oldKey, fs.readFileSync(file), aad);
    writeFileAtomic(`${file}.next`, wrapSecret(newKey, keyPem, aad), 0o600);
    keyPem.fill(0);
    staged += 1;
  }
  return staged;
}

/** Moves staged keys into place; safe to repeat after a crash part-way. */
export function promoteStagedTlsKeys(dir: string): void {
  for (const { file } of tlsWrappedKeys(dir)) {
    if (fs.existsSync(`${file}.next`)) fs.renameSync(`${file}.next`, file);
  }
}

/** Drops staged keys of a rekey that is being undone. */
export function discardStagedTlsKeys(dir: string): void {
  for (const { file } of tlsWrappedKeys(dir)) fs.rmSync(`${file}.next`, { force: true });
}
