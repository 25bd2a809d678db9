import type { Clock, Logger } from '@flowgento/core';
import type { InboundEvent } from '../inbound-builders.ts';
import type { MediaKind } from '../media-kinds.ts';
import type { WebhookBody } from '../webhook-builders.ts';
import type { SendFault } from './send-faults.ts';
import type { SimulatedTemplate } from './templates.ts';

/** A business number the simulator answers for, with its credentials. */
export interface SimulatedNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  accessToken: string;
  appSecret: string;
  /** The WhatsApp Business Account it belongs to; its templates are listed by this id. */
  businessAccountId?: string;
}

/** Offsets from the send, in milliseconds, at which each status is delivered. */
export interface StatusDelays {
  sent: number;
  delivered: number;
  read: number;
}

export interface CloudApiSimulatorOptions {
  /** The appliance's webhook endpoint; must be on loopback. */
  webhookUrl: string;
  /** Trust for an https webhookUrl. */
  caCertPem?: string;
  logger: Logger;
  /** Defaults 300, 1200, 2500. */
  statusDelaysMs?: StatusDelays;
  host?: '127.0.0.1';
  /** How long a media download URL works; default five minutes, like Meta's. */
  mediaUrlTtlMs?: number;
  /** The time customers' webhooks carry; the system clock by default. */
  clock?: Clock;
}

/** A customer sending a file, for `sendCustomerMedia`. */
export interface CustomerMediaInput {
  phoneNumberId: string;
  from: string;
  profileName: string;
  kind: MediaKind;
  bytes: Buffer;
  mimeType: string;
  caption?: string;
  /** Documents only. */
  filename?: string;
  /** What Graph reports as the file's SHA-256, to test a mismatch; the real one by default. */
  reportedSha256?: string;
}

export interface CloudApiSimulator {
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  /** Replaces an existing registration with the same phoneNumberId. */
  registerNumber(number: SimulatedNumber): void;
  /**
   * POSTs a signed inbound text webhook to webhookUrl and resolves once the
   * appliance answered 200; rejects with UPSTREAM_FAILED otherwise.
   */
  sendCustomerMessage(input: {
    phoneNumberId: string;
    from: string;
    profileName: string;
    text: string;
  }): Promise<{ waMessageId: string }>;
  /**
   * Holds the file as Meta would (served at `GET /{version}/{media-id}` and
   * a short-lived signed URL), then POSTs the signed media webhook.
   */
  sendCustomerMedia(
    input: CustomerMediaInput,
  ): Promise<{ waMessageId: string; mediaId: string }>;
  /**
   * A customer's message of any other kind (location, reply buttons,
   * reaction, order, number change, …); resolves once the appliance took it.
   */
  sendCustomerEvent(input: {
    phoneNumberId: string;
    from: string;
    profileName: string;
    event: InboundEvent;
    contextMessageId?: string;
  }): Promise<{ waMessageId: string }>;
  /**
   * Signs and POSTs a whole webhook body as given (a fixture, a replay, a
   * status); resolves with the HTTP status the appliance answered.
   */
  postWebhook(phoneNumberId: string, body: WebhookBody): Promise<number>;
  /** The next `times` downloads of this file answer 503 (tests of retries). */
  failMediaDownloads(mediaId: string, times: number): void;
  /**
   * Holds a file under a given id without sending anything: Meta keeps
   * media for 30 days whatever the appliance does, but this simulator lives
   * in the appliance's process, so a test of a restart puts it back.
   */
  holdMedia(input: {
    mediaId: string;
    phoneNumberId: string;
    bytes: Buffer;
    mimeType: string;
  }): void;
  /** Forgets the file, as Meta does when media expires: lookups answer 404. */
  forgetMedia(mediaId: string): void;
  /** The next matching sends answer with this Graph error instead of an id. */
  failSends(fault: SendFault): void;
  /** Replaces the templates listed for a business account (the samples by default). */
  setTemplates(businessAccountId: string, templates: SimulatedTemplate[]): void;
  /**
   * POSTs a signed `user_preferences` webhook: the customer stopped or
   * resumed marketing messages in WhatsApp's own menu.
   */
  sendCustomerPreference(input: {
    phoneNumberId: string;
    from: string;
    value: 'stop' | 'resume';
  }): Promise<void>;
  /** Stops the server and cancels every pending status delivery. */
  close(): Promise<void>;
}
