import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '@flowgento/core';
import { isLoopbackHost, parseServiceUrl } from '../loopback.ts';
import { isMediaKind } from '../media-kinds.ts';
import {
  buildMediaWebhook,
  buildTextWebhook,
  type WebhookBody,
} from '../webhook-builders.ts';
import { buildInboundWebhook } from '../inbound-builders.ts';
import { handleGraphRequest } from './graph-routes.ts';
import { handleMediaRequest } from './media-routes.ts';
import { SendFaults, type SendFault } from './send-faults.ts';
import {
  handleTemplatesRequest,
  sampleTemplates,
  type SimulatedTemplate,
} from './templates.ts';
import { buildPreferenceWebhook } from '../account-webhooks.ts';
import { SimulatedMediaStore } from './media-store.ts';
import { newSimulatedMessageId } from './graph-reply.ts';
import { StatusSchedule } from './status-schedule.ts';
import type {
  CloudApiSimulator,
  CloudApiSimulatorOptions,
  CustomerMediaInput,
  SimulatedNumber,
  StatusDelays,
} from './types.ts';
import { WebhookSender } from './webhook-sender.ts';

export { sampleTemplates };
export type {
  SendFault,
  SimulatedTemplate,
  CloudApiSimulator,
  CloudApiSimulatorOptions,
  CustomerMediaInput,
  SimulatedNumber,
  StatusDelays,
};

const DEFAULT_DELAYS: StatusDelays = { sent: 300, delivered: 1200, read: 2500 };
const PHONE_NUMBER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CUSTOMER_NUMBER = /^[0-9]{5,20}$/;

/**
 * Starts a stand-in for Meta's side of the Cloud API on loopback, so the
 * appliance can be tried without a Meta account: it accepts sends, answers
 * like Graph, and posts signed webhooks back. Everything it emits is marked
 * simulated: `simulated: true` on its log lines, `wamid.SIM` on its ids.
 */
export async function startCloudApiSimulator(
  options: CloudApiSimulatorOptions,
): Promise<CloudApiSimulator> {
  const webhookUrl = parseServiceUrl(options.webhookUrl, 'Simulator webhook URL');
  // Simulated traffic stays on this machine, whatever the scheme.
  if (!isLoopbackHost(webhookUrl.hostname)) {
    throw new AppError('CONFIG_INVALID', 'Simulator webhook URL must be on loopback');
  }

  const logger = options.logger.child({
    simulated: true,
    component: 'cloud-api-simulator',
  });
  const numbers = new Map<string, SimulatedNumber>();
  const lifetime = new AbortController();
  const sender = new WebhookSender(webhookUrl, options.caCertPem, lifetime.signal);
  const delays = options.statusDelaysMs ?? DEFAULT_DELAYS;
  const statuses = new StatusSchedule(sender, delays, lifetime.signal, logger);
  const media = new SimulatedMediaStore(options.mediaUrlTtlMs);
  const faults = new SendFaults();
  const templates = new Map<string, SimulatedTemplate[]>();
  let baseUrl = '';
  const nowSeconds = (): number =>
    Math.floor((options.clock?.now() ?? Date.now()) / 1000);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (handleMediaRequest(req, res, url, { numbers, media, baseUrl, logger })) return;
    if (handleTemplatesRequest(req, res, url, { numbers, templates, logger })) return;
    const ctx = { numbers, logger, faults, onAccepted: statuses.start.bind(statuses) };
    handleGraphRequest(req, res, ctx).catch((error: unknown) => {
      logger.error({ err: error }, 'simulated request crashed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const port = await listen(server, options.host ?? '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  logger.info({ baseUrl }, 'WhatsApp Cloud API simulator listening');

  /** The registered number a customer writes to; refuses unknown ones. */
  const customerNumber = (input: { phoneNumberId: string; from: string }) => {
    if (lifetime.signal.aborted) {
      throw new AppError('PRECONDITION_FAILED', 'The simulator is closed');
    }
    const number = numbers.get(input.phoneNumberId);
    if (number === undefined) {
      throw new AppError('INVALID_INPUT', 'No simulated number has this phoneNumberId', {
        reason: 'simulated_number_unknown',
      });
    }
    if (!CUSTOMER_NUMBER.test(input.from)) {
      throw new AppError('INVALID_INPUT', 'from must be the customer’s digits');
    }
    return number;
  };

  /** Posts a customer's message webhook; resolves once the appliance took it. */
  const deliver = async (
    number: SimulatedNumber,
    waMessageId: string,
    body: WebhookBody,
  ): Promise<void> => {
    const status = await sender.post(number.appSecret, body);
    const fields = { phoneNumberId: number.phoneNumberId, waMessageId, status };
    if (status !== 200) {
      logger.warn(fields, 'simulated customer message refused by the webhook');
      throw new AppError('UPSTREAM_FAILED', `The webhook answered HTTP ${status}`, {
        reason: 'webhook_rejected',
        details: { httpStatus: status },
      });
    }
    logger.info(fields, 'simulated customer message delivered');
  };

  return {
    baseUrl,

    registerNumber(number) {
      const complete =
        PHONE_NUMBER_ID.test(number.phoneNumberId) &&
        [number.displayPhoneNumber, number.accessToken, number.appSecret].every(
          (value) => value.length > 0,
        );
      if (!complete)
        throw new AppError('INVALID_INPUT', 'Simulated number is incomplete');
      numbers.set(number.phoneNumberId, { ...number });
      logger.info({ phoneNumberId: number.phoneNumberId }, 'simulated number registered');
    },

    async sendCustomerMessage(input) {
      const number = customerNumber(input);
      const waMessageId = newSimulatedMessageId();
      const body = buildTextWebhook({
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId,
        from: input.from,
        profileName: input.profileName,
        text: input.text,
        timestampSeconds: nowSeconds(),
      });
      await deliver(number, waMessageId, body);
      return { waMessageId };
    },

    async sendCustomerMedia(input) {
      const number = customerNumber(input);
      if (!isMediaKind(input.kind) || input.bytes.length === 0) {
        throw new AppError('INVALID_INPUT', 'Simulated media needs a kind and bytes');
      }
      const stored = media.add({
        phoneNumberId: number.phoneNumberId,
        bytes: input.bytes,
        mimeType: input.mimeType,
        sha256: input.reportedSha256,
      });
      const waMessageId = newSimulatedMessageId();
      const body = buildMediaWebhook({
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId,
        from: input.from,
        profileName: input.profileName,
        kind: input.kind,
        mediaId: stored.id,
        mimeType: input.mimeType,
        sha256: stored.sha256,
        caption: input.caption,
        filename: input.filename,
        timestampSeconds: nowSeconds(),
      });
      await deliver(number, waMessageId, body);
      return { waMessageId, mediaId: stored.id };
    },

    async sendCustomerEvent(input) {
      const number = customerNumber(input);
      const waMessageId = newSimulatedMessageId();
      const body = buildInboundWebhook({
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId,
        from: input.from,
        profileName: input.profileName,
        event: input.event,
        contextMessageId: input.contextMessageId,
      });
      await deliver(number, waMessageId, body);
      return { waMessageId };
    },

    postWebhook(phoneNumberId, body) {
      const number = numbers.get(phoneNumberId);
      if (number === undefined || lifetime.signal.aborted) {
        throw new AppError(
          'INVALID_INPUT',
          'No simulated number has this phoneNumberId',
          {
            reason: 'simulated_number_unknown',
          },
        );
      }
      return sender.post(number.appSecret, body);
    },

    failMediaDownloads(mediaId, times) {
      const held = media.get(mediaId);
      if (held) held.failuresLeft = times;
    },

    holdMedia(input) {
      if (!numbers.has(input.phoneNumberId)) {
        throw new AppError('INVALID_INPUT', 'No simulated number has this phoneNumberId');
      }
      media.add({ ...input, id: input.mediaId });
    },

    forgetMedia(mediaId) {
      media.delete(mediaId);
    },

    failSends(fault: SendFault) {
      faults.add(fault);
    },

    setTemplates(businessAccountId, list) {
      templates.set(
        businessAccountId,
        list.map((t) => ({ ...t })),
      );
    },

    async sendCustomerPreference(input) {
      const number = customerNumber(input);
      const body = buildPreferenceWebhook({
        wabaId: number.businessAccountId,
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waId: input.from,
        value: input.value,
        timestampSeconds: nowSeconds(),
      });
      await deliver(number, `preference:${input.value}`, body);
    },

    close() {
      closing ??= (async () => {
        lifetime.abort();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await statuses.settled();
        logger.info('WhatsApp Cloud API simulator stopped');
      })();
      return closing;
    },
  };
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
