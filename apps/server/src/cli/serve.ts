import { startAppliance } from '../server.ts';
import type { Command } from './commands.ts';
import { cliContext } from './context.ts';
import { say } from './output.ts';

export const serve: Command = {
  summary: 'Run the appliance: HTTPS UI and API, webhook intake, simulator',
  details: [
    'Creates the data folder, key and certificates on first start. While nobody owns',
    'the appliance it prints a one-time setup code that creates the OWNER.',
  ],
  options: {
    port: { type: 'string', help: 'HTTPS port (default $FLOWGENTO_PORT or 8443)' },
  },
  async run(values) {
    const { config, logger } = cliContext(values);
    const running = await startAppliance(config, { logger });
    const shownPort = running.port;

    say('');
    say('  Flowgento Appliance is running');
    say(`    Open        https://localhost:${shownPort}`);
    for (const url of running.lanUrls) say(`    On the LAN  ${url}`);
    say(`    CA cert     https://localhost:${shownPort}/ca.crt`);
    if (running.webhookListenerUrl) {
      say(
        `    Webhook     ${running.webhookListenerUrl}/webhooks/whatsapp (publish only this)`,
      );
    }
    say(`    CA SHA-256  ${running.tls.caFingerprint256}`);
    say(`    Data        ${config.dataDir}`);
    say(
      `    Key         ${running.appliance.keyFilePath ?? 'derived from FLOWGENTO_DB_PASSPHRASE'}`,
    );
    if (running.simulator) {
      say('    WhatsApp    SIMULATED: a built-in Cloud API simulator stands in for Meta');
    }
    if (running.setupCode) {
      say('');
      say(`  One-time setup code: ${running.setupCode}`);
      say('  Enter it on the setup page to create the OWNER account.');
    }
    say('');

    await new Promise<void>((resolve) => {
      // Ctrl-C under `npm start` brings SIGINT from the terminal and then the
      // SIGTERM scripts/start.mjs passes on: the first one stops, the rest
      // are only noted (a second close would race the first one's).
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          logger.info({ signal }, 'already shutting down; signal ignored');
          return;
        }
        stopping = true;
        logger.info({ signal }, 'shutting down');
        running.close().then(resolve, (error: unknown) => {
          logger.error({ err: error }, 'shutdown did not finish cleanly');
          resolve();
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    logger.flush();
    return 0;
  },
};
