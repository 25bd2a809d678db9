import { z } from 'zod';
import { MAX_TEXT_LENGTH } from '../send-request.ts';
import { describeIssue } from '../zod-issue.ts';

/**
 * What the simulator accepts on `POST /{version}/{phone-number-id}/messages`:
 * the documented text and template shapes. It is stricter than it needs to
 * be on purpose, so a malformed request from the appliance fails here, on a
 * developer's machine, before it ever meets Meta.
 */

const envelopeSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().regex(/^\+?[0-9]{5,20}$/, { message: 'expected a phone number' }),
  // Graph treats a missing type as text.
  type: z.enum(['text', 'template']).default('text'),
  context: z.looseObject({ message_id: z.string().min(1) }).optional(),
});

const textSchema = z.looseObject({
  body: z.string().min(1).max(MAX_TEXT_LENGTH),
  preview_url: z.boolean().optional(),
});

const templateSchema = z.looseObject({
  name: z.string().min(1),
  language: z.looseObject({ code: z.string().min(1) }),
  components: z.array(z.unknown()).optional(),
});

export interface AcceptedSend {
  to: string;
  type: 'text' | 'template';
}

export type SendRequestCheck =
  { ok: true; send: AcceptedSend } | { ok: false; issue: string };

export function checkSendRequest(json: unknown): SendRequestCheck {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { ok: false, issue: describeIssue(envelope.error) };

  const { type, to } = envelope.data;
  const content = (type === 'text' ? textSchema : templateSchema).safeParse(
    envelope.data[type],
  );
  if (!content.success) return { ok: false, issue: describeIssue(content.error, [type]) };
  return { ok: true, send: { to, type } };
}
