import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { AppError } from '@flowgento/core';

/** A fresh real folder per test, removed afterwards; call inside a describe block. */
export function useTempDir(): () => string {
  let dir: string | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fg-crypto-'));
  });
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (!dir) throw new Error('The temp folder exists only while a test runs');
    return dir;
  };
}

/** The AppError `action` throws or rejects with; fails the test on anything else. */
export async function caughtAppError(action: () => unknown): Promise<AppError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('Expected an AppError, but nothing was thrown');
}

/** Permission bits of a file or folder, e.g. 0o600. */
export function modeOf(filePath: string): number {
  return fs.statSync(filePath).mode & 0o777;
}
