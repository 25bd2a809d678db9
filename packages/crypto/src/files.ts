import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Creates `dir` and missing parents as private (0700) folders; existing ones are kept. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Replaces `filePath` so that a reader, or the next start after a power cut,
 * sees either the old file or the complete new one, never a torn write.
 */
export function writeFileAtomic(
  filePath: string,
  data: string | Buffer,
  mode: number,
): void {
  const tempPath = writeTempSibling(filePath, data, mode);
  try {
    fs.renameSync(tempPath, filePath);
  } catch (error) {
    fs.rmSync(tempPath, { force: true });
    throw error;
  }
  syncDir(path.dirname(filePath));
}

/**
 * Like `writeFileAtomic`, but throws an `EEXIST` error rather than replace a
 * file already at `filePath`: a hard link, unlike a rename, refuses to
 * overwrite, so a key file that appeared meanwhile is never clobbered.
 */
export function writeFileExclusive(
  filePath: string,
  data: string | Buffer,
  mode: number,
): void {
  const tempPath = writeTempSibling(filePath, data, mode);
  try {
    linkOrRename(tempPath, filePath);
  } finally {
    fs.rmSync(tempPath, { force: true });
  }
  syncDir(path.dirname(filePath));
}

function linkOrRename(tempPath: string, filePath: string): void {
  try {
    fs.linkSync(tempPath, filePath);
  } catch (error) {
    // Some file systems (FAT, a few network shares) have no hard links; there
    // the existence check and the rename are a best effort with a tiny race.
    if (!isErrorCode(error, 'EPERM', 'ENOTSUP', 'ENOSYS')) throw error;
    if (fs.existsSync(filePath))
      throw Object.assign(new Error('File exists'), { code: 'EEXIST' });
    fs.renameSync(tempPath, filePath);
  }
}

function writeTempSibling(filePath: string, data: string | Buffer, mode: number): string {
  const dir = path.dirname(filePath);
  const tempName = `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`;
  const tempPath = path.join(dir, tempName);

  // 'wx' fails if the name exists, so a planted symlink cannot redirect the write.
  const fd = fs.openSync(tempPath, 'wx', mode);
  try {
    // The umask may have cleared bits (0644 is 0600 under umask 077); set them exactly.
    fs.fchmodSync(fd, mode);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(tempPath, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  return tempPath;
}

/** Flushes the folder so the new name survives a power cut, where the OS allows it. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows can neither open nor fsync a folder; its rename is durable enough.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** True when `error` is a Node system error with one of `codes`. */
export function isErrorCode(error: unknown, ...codes: string[]): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  return codes.includes(String(error.code));
}
