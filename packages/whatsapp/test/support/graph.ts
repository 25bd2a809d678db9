import { expect } from 'vitest';
import { AppError } from '@flowgento/core';
import type { Reply } from './receiver.ts';

/** Test doubles for Graph: replies in the documented shapes, and a send input. */

export const TOKEN = 'EAAG-test-token-never-logged';

export const sent: Reply = {
  status: 200,
  body: { messaging_product: 'whatsapp', messages: [{ id: 'wamid.OK1' }] },
};

export function graphError(status: number, code: number, message = 'refused'): Reply {
  return {
    status,
    body: {
      error: {
        message,
        type: 'OAuthException',
        code,
        error_subcode: 2494010,
        fbtrace_id: 'Atrace',
      },
    },
  };
}

export const text = {
  phoneNumberId: '109876543210',
  accessToken: TOKEN,
  to: '5511987654321',
  body: 'Hello',
};

/** The AppError a promise rejects with; fails the test if it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}
