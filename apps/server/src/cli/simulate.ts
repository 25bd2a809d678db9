import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@flowgento/core';
import { NumberSettingsService } from '@flowgento/messaging';
import { AuditLog } from '@flowgento/audit';
import { buildTextWebhook, postBytes, signPayload } from '@flowgento/whatsapp';
import { openAppliance } from '../appliance.ts';
import { dataPaths } from '../appliance-state.ts';
import type { Command } from './commands.ts';
import { cliContext, requireText } from './context.ts';
import { say } from './output.ts';

export const simulate: Command = {
  summary: 'SIMULATED: send a customer message to a running appliance, as Meta would',
  details: [
    "Signs an inbound text webhook with the simulated number's app secret and posts",
    'it to the running appliance over HTTPS. Only simulated numbers can be used.',
  ],
  options: {
    text: { type: 'string', help: 'the message text (required)' },
    from: { type: 'string', help: 'customer number, digits only (default 15550100001)' },
    name: {
      type: 'string',
      help: 'customer profile name (default "Simulated Customer")',
    },
    number: {
      type: 'string',
      help: 'phone_number_id of the simulated number (default: the first)',
    },
    url: { type: 'string', help: 'appliance URL (default https://127.0.0.1:<port>)' },
    port: {
      type: 'string',
      help: 'appliance HTTPS port (default $FLOWGENTO_PORT or 8443)',
    },
  },
  async run(values) {
    const { config, logger } = cliContext(values);
    const text = requireText(values, 'text');
    const from = typeof values['from'] === 'string' ? values['from'] : '15550100001';
    if (!/^[0-9]{6,15}$/.test(from))
      throw new AppError('INVALID_INPUT', '--from must be 6 to 15 digits');
    const profileName =
      typeof values['name'] === 'string' ? values['name'] : 'Simulated Customer';

    const appliance = await openAppliance(
      config,
      logger.child({}, { level: 'warn' }),
      undefined,
      // The running appliance's backup engine must be the only checkpointer.
      { mustExist: true, manualCheckpoints: true },
    );
    let body: Buffer;
    let signature: string;
    try {
      const settings = new NumberSettingsService(
        appliance.store,
        appliance.keyRing,
        new AuditLog(appliance.store),
        () => undefined,
      );
      const candidates = appliance.store.routing.allNumbers().filter((n) => n.simulated);
      const number =
        typeof values['number'] === 'string'
          ? candidates.find((n) => n.phoneNumberId === values['number'])
          : candidates[0];
      if (!number) {
        throw new AppError(
          'NOT_FOUND',
          candidates.length === 0
            ? 'No simulated WhatsApp number yet: use "Connect a simulated number" in the Inbox\'s simulator panel'
            : `No simulated number with phone_number_id ${String(values['number'])}; known: ${candidates.map((n) => n.phoneNumberId).join(', ')}`,
        );
      }
      const payload = buildTextWebhook({
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId: `wamid.SIM${randomBytes(12).toString('hex').toUpperCase()}`,
        from,
        profileName,
        text,
      });
      body = Buffer.from(JSON.stringify(payload));
      signature = signPayload(settings.unwrap(number, 'appSecret'), body);
    } finally {
      appliance.store.close();
    }

    const base =
      typeof values['url'] === 'string'
        ? values['url']
        : `https://127.0.0.1:${config.port}`;
    const url = new URL('/webhooks/whatsapp', base);
    const reply = await postBytes(url, body, {
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      timeoutMs: 10_000,
      caCertPem: readFileSync(join(dataPaths(config.dataDir).tls, 'ca.crt'), 'utf8'),
    }).catch((error: unknown) => {
      throw new AppError(
        'UPSTREAM_FAILED',
        `No appliance answered at ${url.origin} (${(error as Error).message}). ` +
          'Is it running? Pass --port or --url if it listens elsewhere.',
      );
    });
    if (reply.status !== 200) {
      throw new AppError(
        'UPSTREAM_FAILED',
        `The appliance answered ${reply.status}: ${reply.body.slice(0, 200)}`,
      );
    }
    say(`SIMULATED customer message delivered (appliance answered ${reply.status})`);
    return 0;
  },
};
