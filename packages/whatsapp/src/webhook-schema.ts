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

const errorSchema = z.looseObject({
  code: z.number(),
  title: z.string(),
  message: z.string().optional(),
  error_data: z.looseObject({}).optional(),
});

/** Any message type parses, including ones this appliance has never heard of. */
const messageSchema = z.looseObject({
  id: z.string(),
  from: z.string(),
  timestamp: unixSeconds,
  type: z.string(),
});

const statusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: unixSeconds,
  recipient_id: z.string(),
  errors: z.array(errorSchema).optional(),
});

const contactSchema = z.looseObject({
  wa_id: z.string(),
  profile: z.looseObject({ name: z.string().optional() }).optional(),
});

/** The `value` of a change whose `field` is `messages`. */
export const messagesValueSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: z.looseObject({
    display_phone_number: z.string(),
    phone_number_id: z.string(),
  }),
  contacts: z.array(contactSchema).optional(),
  messages: z.array(messageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
  errors: z.array(errorSchema).optional(),
});

export type MessagesValue = z.infer<typeof messagesValueSchema>;
export type RawMessage = z.infer<typeof messageSchema>;
export type RawStatus = z.infer<typeof statusSchema>;
export type RawError = z.infer<typeof errorSchema>;
