import { AppError } from '@flowgento/core';
import { openKeyChannel, type KeyChannel } from '../keys/key-handoff.ts';
import { startAppliance } from '../server.ts';
import type { Command } from './commands.ts';
import { cliContext } from './context.ts';
import { say } from './output.ts';

export const serve: Command = {
  summary: 'Run the appliance: HTTPS UI and API, webhook intake, simulator',
  details: [
    'Creates the data folder, key and certificates on first start. While nobody owns',
    'the appliance it prints a one-time setup code that creates the OWNER.',
    'With --key-fd, the root key or passphrase comes as one JSON line on that inherited',
    'descriptor (the desktop app uses it); the appliance stops when the pipe closes.',
  ],
  options: {
    port: { type: 'string', help: 'HTTPS port (default $FLOWGENTO_PORT or 8443)' },
    'key-fd': { type: 'string', help: 'read the key from this inherited descriptor' },
  },
  async run(values) {
    const { config, logger } = cliContext(values);
    const channel = await keyChannelOf(values['key-fd']);
    const handoff = channel?.handoff;
    const running = await startAppliance(config, {
      logger,
      rootKey: handoff?.kind === 'root-key' ? handoff.rootKey : undefined,
      passphrase: handoff?.kind === 'passphrase' ? handoff.passphrase : undefined,
      passphraseFromDesktop: handoff?.kind === 'passphrase',
    });
    const shown = shownAddress(config.host, running.port);

    say('');
    say('  Flowgento Appliance is running');
    say(`    Open        ${shown}`);
    for (const url of running.lanUrls) say(`    On the LAN  ${url}`);
    say(`    CA cert     ${shown}/ca.crt`);
    if (running.webhookListenerUrl) {
      say(
        `    Webhook     ${running.webhookListenerUrl}/webhooks/whatsapp (publish only this)`,
      );
    }
    say(`    CA SHA-256  ${running.tls.caFingerprint256}`);
    say(`    Data        ${config.dataDir}`);
    say(
      `    Key         ${running.appliance.keyFilePath ?? (handoff ? 'handed over by the desktop app' : 'derived from FLOWGENTO_DB_PASSPHRASE')}`,
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

    // For the desktop app's tray: a line it reads on stdout, no listening port.
    const reportStatus = () => {
      let lastBackupAt: number | null = null;
      try {
        lastBackupAt = running.backup?.status().lastSnapshotAt ?? null;
      } catch {
        // Backups still starting: nothing to say yet.
      }
      const agentsOnline = running.services.events.subscriberCount();
      logger.info({ agentsOnline, lastBackupAt }, 'appliance status');
    };
    if (channel) reportStatus();
    const status = channel ? setInterval(reportStatus, STATUS_EVERY_MS) : undefined;
    status?.unref();

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
        clearInterval(status);
        logger.info({ signal }, 'shutting down');
        running.close().then(resolve, (error: unknown) => {
          logger.error({ err: error }, 'shutdown did not finish cleanly');
          resolve();
        });
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // The desktop app quit or died: stop as on a signal, losing no write.
      channel?.onParentGone(() => stop('SIGHUP'));
    });
    logger.flush();
    return 0;
  },
};

const STATUS_EVERY_MS = 10_000;

async function keyChannelOf(
  value: string | boolean | undefined,
): Promise<KeyChannel | undefined> {
  if (typeof value !== 'string') return undefined;
  const fd = Number(value);
  // 0-2 are the terminal's; a key there would be typed or printed.
  if (!/^\d+$/.test(value) || fd < 3 || fd > 1023) {
    throw new AppError(
      'INVALID_INPUT',
      `--key-fd must be a descriptor number from 3, got "${value}"`,
    );
  }
  return openKeyChannel(fd);
}

/**
 * Where to open the appliance on this machine: the address it listens on,
 * which its certificate covers. Only on every interface (the default) is
 * localhost sure to reach it; bound to one address, localhost may resolve to
 * the other loopback family, where nothing listens.
 */
export function shownAddress(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '::') return `https://localhost:${port}`;
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
