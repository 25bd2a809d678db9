/**
 * Webhook bodies in the documented Cloud API shapes, with invented values:
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/messages
 */

const metadata = { display_phone_number: '15550001111', phone_number_id: '109876543210' };

function envelope<V extends Record<string, unknown>>(value: V, field = 'messages') {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '880011223344',
        changes: [
          { value: { messaging_product: 'whatsapp', metadata, ...value }, field },
        ],
      },
    ],
  };
}

const contact = { profile: { name: 'Ana Souza' }, wa_id: '5511987654321' };

export const textWebhook = envelope({
  contacts: [contact],
  messages: [
    {
      from: '5511987654321',
      id: 'wamid.TEXT001',
      timestamp: '1750000000',
      type: 'text',
      text: { body: 'Is my order on its way?' },
      context: { from: '15550001111', id: 'wamid.BUSINESS001' },
    },
  ],
});

export const imageWebhook = envelope({
  contacts: [contact],
  messages: [
    {
      from: '5511987654321',
      id: 'wamid.IMAGE001',
      timestamp: '1750000060',
      type: 'image',
      image: {
        caption: 'The box arrived like this',
        mime_type: 'image/jpeg',
        sha256: 'nYk3Lz1xg1oC0p6m8sR2W2b3Yk2n4sQ5c6d7e8f9a0b=',
        id: '1234567890123456',
      },
    },
  ],
});

export const unsupportedWebhook = envelope({
  contacts: [contact],
  messages: [
    {
      from: '5511987654321',
      id: 'wamid.UNSUPPORTED001',
      timestamp: '1750000120',
      type: 'unsupported',
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          message: 'Message type unknown',
          error_data: { details: 'Message type is currently not supported.' },
        },
      ],
      unsupported: { type: 'edit' },
    },
  ],
});

export const statusesWebhook = envelope({
  statuses: [
    {
      id: 'wamid.BUSINESS001',
      status: 'delivered',
      timestamp: '1750000200',
      recipient_id: '5511987654321',
      pricing: { billable: false, pricing_model: 'PMP', category: 'service' },
    },
    {
      id: 'wamid.BUSINESS002',
      status: 'failed',
      timestamp: '1750000201',
      recipient_id: '5511987650000',
      errors: [
        {
          code: 131026,
          title: 'Message undeliverable',
          message: 'Message undeliverable',
          error_data: { details: 'The recipient cannot receive this message.' },
        },
      ],
    },
    {
      id: 'wamid.BUSINESS003',
      status: 'played',
      timestamp: '1750000202',
      recipient_id: '5511987654321',
    },
  ],
});

export const valueErrorsWebhook = envelope({
  errors: [
    {
      code: 130429,
      title: 'Rate limit hit',
      message: 'Rate limit hit',
      error_data: { details: 'Too many messages sent from this phone number.' },
    },
  ],
});

/** A field other than `messages`: no metadata, a shape of its own. */
export const accountUpdateWebhook = {
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '880011223344',
      time: 1750000300,
      changes: [
        {
          field: 'account_update',
          value: {
            event: 'VOLUME_BASED_PRICING_TIER_UPDATE',
            waba_info: { waba_id: '1' },
          },
        },
      ],
    },
  ],
};
