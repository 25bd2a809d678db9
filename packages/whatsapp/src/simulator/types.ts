import type { Logger } from '@flowgento/core';

/** A business number the simulator answers for, with its credentials. */
export interface SimulatedNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  accessToken: string;
  appSecret: string;
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
  /** Stops the server and cancels every pending status delivery. */
  close(): Promise<void>;
}
