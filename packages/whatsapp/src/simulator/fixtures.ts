import {
  buildFieldWebhook,
  buildInboundWebhook,
  buildValueErrorsWebhook,
} from '../inbound-builders.ts';
import type { InboundEvent } from '../inbound-builders.ts';
import {
  buildPreferenceWebhook,
  buildTemplateStatusWebhook,
} from '../account-webhooks.ts';
import {
  buildMediaWebhook,
  buildStatusWebhook,
  type WebhookBody,
  type WebhookOrigin,
} from '../webhook-builders.ts';

/**
 * One webhook of every kind the Cloud API delivers to a number, with fixed
 * ids and times: the simulator's "send every kind" and the tests' replays
 * use the same bodies. Statuses name the business messages `OUTBOUND_IDS`,
 * which the caller may or may not have sent first.
 */
export interface WebhookFixture {
  name: string;
  body: WebhookBody;
}

export const FIXTURE_CUSTOMER = { from: '5511987654321', profileName: 'Ana Souza' };
/** The number Ana moves to in the `system` fixture. */
export const FIXTURE_NEW_NUMBER = '5511912340000';
export const OUTBOUND_IDS = {
  delivered: 'wamid.FIXTURE.OUT.DELIVERED',
  failed: 'wamid.FIXTURE.OUT.FAILED',
} as const;

/** Fixed so that a replay days later carries the same timestamps. */
const BASE_SECONDS = 1_780_000_000;

export function webhookFixtures(origin: WebhookOrigin): WebhookFixture[] {
  let second = BASE_SECONDS;
  const at = { ...origin, timestampSeconds: second };
  const inbound = (name: string, event: InboundEvent, more = {}): WebhookFixture => ({
    name,
    body: buildInboundWebhook({
      ...origin,
      ...FIXTURE_CUSTOMER,
      timestampSeconds: (second += 1),
      waMessageId: `wamid.FIXTURE.${name.toUpperCase()}`,
      event,
      ...more,
    }),
  });
  const media = (
    kind: 'image' | 'audio' | 'video' | 'document' | 'sticker',
    mimeType: string,
    extra: { caption?: string; filename?: string } = {},
  ): WebhookFixture => ({
    name: kind,
    body: buildMediaWebhook({
      ...origin,
      ...FIXTURE_CUSTOMER,
      timestampSeconds: (second += 1),
      waMessageId: `wamid.FIXTURE.${kind.toUpperCase()}`,
      kind,
      mediaId: `90000000000000${kind.length}`,
      mimeType,
      sha256: 'a'.repeat(64),
      ...extra,
    }),
  });
  const status = (
    name: string,
    waMessageId: string,
    kind: 'sent' | 'delivered' | 'read' | 'failed',
    offset: number,
    failure?: { code: number; title: string },
  ): WebhookFixture => ({
    name,
    body: buildStatusWebhook({
      ...origin,
      timestampSeconds: BASE_SECONDS + 100 + offset,
      waMessageId,
      status: kind,
      recipientId: FIXTURE_CUSTOMER.from,
      pricingCategory: 'service',
      ...(failure ? { error: failure } : {}),
    }),
  });

  return [
    inbound('text', { type: 'text', body: 'Hello, is my order on its way?' }),
    media('image', 'image/jpeg', { caption: 'The box arrived like this' }),
    media('audio', 'audio/ogg'),
    media('video', 'video/mp4', { caption: 'Unboxing' }),
    media('document', 'application/pdf', { caption: 'Invoice', filename: 'invoice.pdf' }),
    media('sticker', 'image/webp'),
    inbound('location', {
      type: 'location',
      latitude: -23.5505,
      longitude: -46.6333,
      name: 'Loja Centro',
      address: 'Rua Augusta 100, São Paulo',
    }),
    inbound('contacts', {
      type: 'contacts',
      contacts: [
        { name: 'Bruno Lima', phone: '+55 11 99999-0000', waId: '5511999990000' },
      ],
    }),
    inbound('button_reply', { type: 'button_reply', id: 'track', title: 'Track order' }),
    inbound('list_reply', {
      type: 'list_reply',
      id: 'return',
      title: 'Return an item',
      description: 'Within 30 days',
    }),
    inbound(
      'button',
      { type: 'button', text: 'Yes, reschedule', payload: 'RESCHEDULE' },
      { contextMessageId: OUTBOUND_IDS.delivered },
    ),
    inbound('reaction', {
      type: 'reaction',
      messageId: 'wamid.FIXTURE.TEXT',
      emoji: '👍',
    }),
    inbound('order', {
      type: 'order',
      catalogId: '1234567890',
      text: 'Please deliver after 6pm',
      items: [{ productId: 'SKU-42', quantity: 2, price: 49.9, currency: 'BRL' }],
    }),
    inbound(
      'referral',
      { type: 'text', body: 'I saw your ad, is the offer still on?' },
      {
        referral: {
          headline: 'Winter sale',
          body: '30% off all boots',
          sourceUrl: 'https://fb.me/example-ad',
        },
      },
    ),
    inbound(
      'reply',
      { type: 'text', body: 'Thanks, that answers it' },
      { contextMessageId: OUTBOUND_IDS.delivered },
    ),
    inbound('system', {
      type: 'number_change',
      newWaId: FIXTURE_NEW_NUMBER,
      body: `Ana Souza changed from ${FIXTURE_CUSTOMER.from} to ${FIXTURE_NEW_NUMBER}`,
    }),
    inbound('unsupported', { type: 'unsupported' }),
    inbound('unknown', {
      type: 'raw',
      messageType: 'hologram',
      fields: {
        hologram: { depth: 3 },
        errors: [{ code: 131051, title: 'Message type unknown' }],
      },
    }),
    {
      name: 'value_errors',
      body: buildValueErrorsWebhook(at, [
        {
          code: 131045,
          title: 'Incorrect certificate',
          details: 'Re-register the number',
        },
      ]),
    },
    status('status_sent', OUTBOUND_IDS.delivered, 'sent', 0),
    status('status_delivered', OUTBOUND_IDS.delivered, 'delivered', 1),
    status('status_failed_sent', OUTBOUND_IDS.failed, 'sent', 0),
    status('status_failed', OUTBOUND_IDS.failed, 'failed', 2, {
      code: 131026,
      title: 'Message undeliverable',
    }),
    // Out of step on purpose: a failed send is never shown as delivered.
    status('status_late_delivered', OUTBOUND_IDS.failed, 'delivered', 3),
    {
      name: 'account_update',
      body: buildFieldWebhook(origin, 'account_update', {
        phone_number: origin.displayPhoneNumber,
        event: 'VERIFIED_ACCOUNT',
      }),
    },
    // The customer stops marketing, then resumes it: the resume is newer.
    preference('preference_stop', 'stop', 200),
    preference('preference_resume', 'resume', 300),
    // Meta approves order_update, flags it, then pauses it, in that order.
    templateStatus('template_approved', 'APPROVED', 400),
    templateStatus('template_flagged', 'FLAGGED', 500),
    templateStatus('template_paused', 'PAUSED', 600),
  ];

  function preference(
    name: string,
    value: 'stop' | 'resume',
    offsetSeconds: number,
  ): WebhookFixture {
    return {
      name,
      body: buildPreferenceWebhook({
        ...origin,
        waId: FIXTURE_CUSTOMER.from,
        profileName: FIXTURE_CUSTOMER.profileName,
        value,
        timestampSeconds: BASE_SECONDS + offsetSeconds,
      }),
    };
  }

  function templateStatus(
    name: string,
    event: string,
    offsetSeconds: number,
  ): WebhookFixture {
    return {
      name,
      body: buildTemplateStatusWebhook({
        wabaId: origin.wabaId ?? '0',
        waTemplateId: '900000000000001',
        name: 'order_update',
        language: 'en_US',
        status: event,
        timeSeconds: BASE_SECONDS + offsetSeconds,
      }),
    };
  }
}
