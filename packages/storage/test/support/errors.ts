import { AppError } from '@flowgento/core';

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

/** Reads a stream to its end; rejects with the stream's error. */
export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
