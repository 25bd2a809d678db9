// First run: where agents reach the appliance. The server listens on every
// interface (or on loopback only); the choice names the address the agent
// URL, the QR code and the pairing page advertise.
import type { NetworkInterfaceInfo } from 'node:os';

export interface AddressChoice {
  address: string;
  interfaceName: string;
}

export interface NetworkSettings {
  /** The LAN address agents use; null keeps the appliance on this computer only. */
  advertise: string | null;
  port: number;
}

export const DEFAULT_PORT = 8443;

/** IPv4 LAN addresses of this machine, in a stable order, loopback and link-local left out. */
export function addressChoices(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): AddressChoice[] {
  const choices: AddressChoice[] = [];
  for (const [interfaceName, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      if (info.family !== 'IPv4' || info.internal) continue;
      if (info.address.startsWith('169.254.')) continue;
      choices.push({ address: info.address, interfaceName });
    }
  }
  return choices.sort((a, b) => a.interfaceName.localeCompare(b.interfaceName));
}

/** A port the admin typed: refused with a sentence, or the number. */
export function checkPort(text: string): { port: number } | { problem: string } {
  const port = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || port < 1024 || port > 65535) {
    return {
      problem: 'Choose a port from 1024 to 65535 (lower ones need administrator rights).',
    };
  }
  return { port };
}

/** Checks a whole choice against what this machine has. */
export function checkNetworkSettings(
  settings: NetworkSettings,
  choices: AddressChoice[],
): string | null {
  if (
    settings.advertise !== null &&
    !choices.some((c) => c.address === settings.advertise)
  ) {
    return `${settings.advertise} is not an address of this computer (any more). Choose again.`;
  }
  const port = checkPort(String(settings.port));
  return 'problem' in port ? port.problem : null;
}

// The server's refusal to listen (apps/server/src/http/listening.ts).
const CANNOT_LISTEN = /Cannot listen on (\S+):(\d+) \((EADDRINUSE|EACCES)\)/;

/**
 * Why the network step of the wizard must be shown again, or null: no
 * choice recorded, a recorded address this computer no longer has, or a
 * start that failed (`failure`, its message and last lines) because the port
 * is taken or refused. Only the listener this step chose counts: another
 * one (the webhook listener's port from the data folder's config) failing is
 * not fixed by choosing again here, so its error is shown instead.
 */
export function networkStepReason(
  settings: NetworkSettings | null,
  choices: AddressChoice[],
  failure: string | null,
): string | null {
  if (!settings) return 'Choose where agents reach the appliance.';
  const listen = failure ? CANNOT_LISTEN.exec(failure) : null;
  const ours =
    listen !== null &&
    Number(listen[2]) === settings.port &&
    listen[1] === serverEnvironment(settings)['FLOWGENTO_HOST'];
  if (listen && ours) {
    return listen[3] === 'EACCES'
      ? `Port ${listen[2]} is not allowed for this user. Choose another port.`
      : `Port ${listen[2]} is in use by another program. Choose another port, or ` +
          'stop that program and keep this one.';
  }
  return checkNetworkSettings(settings, choices);
}

/** The server's environment for the choice; nothing secret. */
export function serverEnvironment(settings: NetworkSettings): Record<string, string> {
  const url = agentUrl(settings);
  return {
    FLOWGENTO_HOST: settings.advertise === null ? '127.0.0.1' : '0.0.0.0',
    FLOWGENTO_PORT: String(settings.port),
    // The plain-HTTP redirect would need a second port; agents get the https:// URL.
    FLOWGENTO_HTTP_PORT: 'off',
    // The Pairing page's URL and QR code show the address chosen here.
    ...(url ? { FLOWGENTO_AGENT_URL: url } : {}),
  };
}

/** What agents type (or scan): the chosen address, over HTTPS. */
export function agentUrl(settings: NetworkSettings): string | null {
  return settings.advertise === null
    ? null
    : `https://${settings.advertise}:${settings.port}`;
}
