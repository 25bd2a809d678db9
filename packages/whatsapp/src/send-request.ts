import { AppError } from '@flowgento/core';

/**
 * Bodies for `POST /{version}/{phone-number-id}/messages`, checked before
 * they leave: a bad field is our caller's mistake and should be refused here,
 * with its name, rather than spend a Graph round trip and a retry budget.
 * Shape: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 */

export interface SendTarget {
  phoneNumberId: string;
  accessToken: string;
  to: string;
}

export interface SendTextInput extends SendTarget {
  body: string;
  replyToMessageId?: string;
}

export interface SendTemplateInput extends SendTarget {
  name: string;
  languageCode: string;
  components?: unknown[];
}

/** Meta's limit on a text message body, in characters. */
export const MAX_TEXT_LENGTH = 4096;

const PHONE_NUMBER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ACCESS_TOKEN = /^[\x21-\x7e]{1,4096}$/;
const RECIPIENT = /^\+?[0-9]{5,20}$/;
const MESSAGE_ID = /^[\x21-\x7e]{1,256}$/;
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_CODE = /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$/;

export function checkTarget(target: SendTarget): void {
  check(PHONE_NUMBER_ID.test(target.phoneNumberId), 'phoneNumberId');
  check(ACCESS_TOKEN.test(target.accessToken), 'accessToken');
  check(RECIPIENT.test(target.to), 'to');
}

export function textMessageBody(input: SendTextInput): Record<string, unknown> {
  checkTarget(input);
  check(input.body.length > 0 && input.body.length <= MAX_TEXT_LENGTH, 'body');

  const message: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: input.to,
    type: 'text',
    // Link previews make WhatsApp fetch the URL; agents opt in, never by default.
    text: { body: input.body, preview_url: false },
  };
  if (input.replyToMessageId !== undefined) {
    check(MESSAGE_ID.test(input.replyToMessageId), 'replyToMessageId');
    message['context'] = { message_id: input.replyToMessageId };
  }
  return message;
}

export function templateMessageBody(input: SendTemplateInput): Record<string, unknown> {
  checkTarget(input);
  check(TEMPLATE_NAME.test(input.name), 'name');
  check(LANGUAGE_CODE.test(input.languageCode), 'languageCode');
  check(input.components === undefined || Array.isArray(input.components), 'components');

  const template: Record<string, unknown> = {
    name: input.name,
    language: { code: input.languageCode },
  };
  if (input.components !== undefined) template['components'] = input.components;
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: input.to,
    type: 'template',
    template,
  };
}

function check(ok: boolean, field: string): void {
  // The message names the field only: its value may be a token or a number.
  if (!ok) {
    throw new AppError('INVALID_INPUT', `${field} is missing or malformed`, {
      reason: 'invalid_send_request',
      details: { field },
    });
  }
}
