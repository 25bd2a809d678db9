/**
 * `@flowgento/whatsapp`: the WhatsApp Cloud API as the appliance sees it.
 * Webhook signatures and parsing on the way in, a Graph client on the way
 * out, and a loopback simulator of Meta's side for trying it all offline.
 */
export { matchSignature, signPayload } from './signature.ts';
export { MAX_WEBHOOK_DEPTH, nestsDeeperThan } from './json-depth.ts';
export {
  buildMediaWebhook,
  buildStatusWebhook,
  buildTextWebhook,
  parseWebhook,
  verifyHandshake,
  type HandshakeResult,
  type InboundMessage,
  type InvalidElement,
  type MediaWebhookInput,
  type StatusKind,
  type StatusUpdate,
  type StatusWebhookInput,
  type TextWebhookInput,
  type WebhookBatch,
  type WebhookError,
  type WebhookParseResult,
} from './webhook.ts';
export type { WebhookBody, WebhookOrigin } from './webhook-builders.ts';
export {
  buildFieldWebhook,
  buildInboundWebhook,
  buildValueErrorsWebhook,
  type InboundEvent,
  type InboundWebhookInput,
} from './inbound-builders.ts';
export {
  contentText,
  readMessageContent,
  type ContentError,
  type InboundContent,
  type MessageContent,
  type MessageReferral,
  type OrderItem,
  type SharedContact,
} from './message-content.ts';
export {
  FIXTURE_CUSTOMER,
  FIXTURE_NEW_NUMBER,
  OUTBOUND_IDS,
  webhookFixtures,
  type WebhookFixture,
} from './simulator/fixtures.ts';
export {
  SAMPLE_EVENT_KINDS,
  sampleEvent,
  type SampleEventKind,
} from './simulator/sample-events.ts';
export {
  buildPreferenceWebhook,
  buildTemplateStatusWebhook,
  readTemplateStatusUpdate,
  templateStatusAfter,
  TEMPLATE_EVENT_STATUS,
  readUserPreferences,
  type PreferenceWebhookInput,
  type TemplateStatusUpdate,
  type TemplateStatusWebhookInput,
  type UserPreference,
} from './account-webhooks.ts';
export {
  GraphClient,
  type GraphClientOptions,
  type SendOptions,
  type SentMessage,
} from './graph-client.ts';
export {
  GraphTemplatesClient,
  type GraphTemplate,
  type GraphTemplatesOptions,
} from './graph-templates.ts';
export {
  GraphMediaClient,
  type GraphMediaOptions,
  type MediaInfo,
} from './graph-media.ts';
export {
  isMediaKind,
  MEDIA_KINDS,
  MEDIA_SIZE_LIMITS,
  type InboundMedia,
  type MediaKind,
} from './media-kinds.ts';
export { checkMediaUrl, META_MEDIA_HOSTS } from './media-url.ts';
export { plainGraphReason, THROTTLING_CODES } from './graph-errors.ts';
export {
  MAX_TEXT_LENGTH,
  type SendTarget,
  type SendTemplateInput,
  type SendTextInput,
} from './send-request.ts';
export { isLoopbackHost } from './loopback.ts';
export {
  startCloudApiSimulator,
  type CloudApiSimulator,
  type CloudApiSimulatorOptions,
  type CustomerMediaInput,
  type SendFault,
  type SimulatedNumber,
  type SimulatedTemplate,
  type StatusDelays,
  sampleTemplates,
} from './simulator/index.ts';
export { postBytes, type HttpReply } from './http-post.ts';
