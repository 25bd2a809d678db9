import { AppError } from '@flowgento/core';
import { errnoOf } from './errno.ts';

const REASON_BY_ERRNO: Record<string, string> = {
  ENOSPC: 'storage_full',
  EDQUOT: 'storage_full',
  EACCES: 'storage_not_writable',
  EPERM: 'storage_not_writable',
  EROFS: 'storage_not_writable',
};

/**
 * A file system error of the local provider as an AppError. Only the errno
 * code is kept (in `details`): the operator needs to know the disk is full
 * or read-only, not a stack trace with the folder's path.
 */
export function diskFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const errno = errnoOf(error);
  const reason = (errno && REASON_BY_ERRNO[errno]) ?? 'storage_io_failed';
  return new AppError('INTERNAL', 'The local storage folder could not be used', {
    reason,
    details: errno ? { errno } : undefined,
  });
}

export function objectNotFound(): AppError {
  return new AppError('NOT_FOUND', 'No object is stored under this key', {
    reason: 'object_not_found',
  });
}
