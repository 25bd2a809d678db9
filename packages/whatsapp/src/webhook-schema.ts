import { z } from 'zod';

/**
 * Schemas of the Cloud API webhook body, built once at module load: the
 * ingest path parses thousands of payloads a second and must not rebuild them.
 *
 * Every object is loose. Meta adds fields without notice (pricing, identity
 * hashes, group ids, …) and a webhook we reject is a message we lose, so only
 * the fields the appliance reads are checked; the rest is kept untouched.
 * Shapes: https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */

/** Webhook timestamps are Unix seconds carried as a string of digits. */
const unixSeconds = z
  .string()
  .regex(/^\d{1,12}$/, { message: 'expected string of seconds' });

export const webhookEnvelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.looseObject({
      changes: z.array(
        z.looseObject({
          field: z.string(),
          value: z.looseObject({}),
        }),
      ),
    }),
  ),
});

export const errorSchema = z.looseObject({
  code: z.number(),
  title: z.string(),
  message: z.string().optional(),
  error_data: z.looseObject({}).optional(),
});

/** Any message type parses, including ones this appliance has never heard of. */
export const messageSchema = z.looseObject({
  id: z.string().min(1),
  // A WhatsApp id is a phone number in international form, digits only.
  from: z.string().regex(/^[0-9]{5,20}$/, { message: 'expected a WhatsApp id' }),
  timestamp: unixSeconds,
  type: z.string(),
});

export const statusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: unixSeconds,
  recipient_id: z.string(),
  // Read leniently (webhook.ts): a failed status is applied even when its
  // error is malformed, else a later delivered would show it as delivered.
  errors: z.unknown().optional(),
});

export const contactSchema = z.looseObject({
  wa_id: z.string(),
  profile: z.looseObject({ name: z.string().optional() }).optional(),
});

/**
 * The `value` of a change whose `field` is `messages`: only what routes it.
 * Its lists are checked element by element (webhook.ts), so that one
 * malformed message does not cost the valid ones beside it.
 */
export const messagesValueSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: z.looseObject({
    display_phone_number: z.string(),
    phone_number_id: z.string(),
  }),
});

export type MessagesValue = z.infer<typeof messagesValueSchema>;
export type RawContact = z.infer<typeof contactSchema>;
export type RawMessage = z.infer<typeof messageSchema>;
export type RawStatus = z.infer<typeof statusSchema>;
export type RawError = z.infer<typeof errorSchema>;
