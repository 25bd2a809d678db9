import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  addressChoices,
  agentUrl,
  checkPort,
  networkStepReason,
  serverEnvironment,
} from '../src/network-choice.ts';
import type { SupervisorState } from '../src/supervisor.ts';
import { failureMessage, trayModel } from '../src/tray.ts';
import {
  checkFirstRunAnswer,
  checkNetworkAnswer,
  type WizardFacts,
} from '../src/wizard-protocol.ts';

const iface = (address: string, internal = false): NetworkInterfaceInfo => ({
  address,
  family: 'IPv4',
  internal,
  netmask: '',
  mac: '',
  cidr: null,
});

const facts: WizardFacts = {
  mode: 'first-run',
  offer: ['keychain', 'passphrase'],
  whyNoKeychain: null,
  addresses: [{ address: '192.168.1.20', interfaceName: 'eth0' }],
  defaultPort: 8443,
};
const answer = {
  kind: 'first-run' as const,
  method: 'keychain' as const,
  passphrase: '',
  passphraseAgain: '',
  advertise: '192.168.1.20',
  port: '8443',
};

describe('the first-run choices', () => {
  it('offers the LAN addresses of this machine, without loopback or link-local ones', () => {
    const choices = addressChoices({
      lo: [iface('127.0.0.1', true)],
      wlan0: [iface('10.0.0.5')],
      eth0: [iface('192.168.1.20'), iface('169.254.3.3')],
    });
    expect(choices).toEqual([
      { address: '192.168.1.20', interfaceName: 'eth0' },
      { address: '10.0.0.5', interfaceName: 'wlan0' },
    ]);
  });

  it('turns the choice into the agent URL and the server environment', () => {
    const lan = { advertise: '192.168.1.20', port: 9443 };
    expect(agentUrl(lan)).toBe('https://192.168.1.20:9443');
    expect(serverEnvironment(lan)).toEqual({
      FLOWGENTO_HOST: '0.0.0.0',
      FLOWGENTO_PORT: '9443',
      FLOWGENTO_HTTP_PORT: 'off',
      FLOWGENTO_AGENT_URL: 'https://192.168.1.20:9443',
    });
    const local = { advertise: null, port: 8443 };
    expect(agentUrl(local)).toBeNull();
    expect(serverEnvironment(local).FLOWGENTO_HOST).toBe('127.0.0.1');
  });

  it('accepts a complete answer and refuses each bad field with a sentence', () => {
    expect(checkFirstRunAnswer(answer, facts)).toEqual({
      choice: {
        method: 'keychain',
        passphrase: null,
        network: { advertise: '192.168.1.20', port: 8443 },
      },
    });
    expect(checkPort('80')).toMatchObject({ problem: expect.stringMatching(/1024/) });
    expect(checkFirstRunAnswer({ ...answer, port: 'abc' }, facts)).toMatchObject({
      problem: expect.stringMatching(/port/),
    });
    expect(
      checkFirstRunAnswer({ ...answer, advertise: '10.9.9.9' }, facts),
    ).toMatchObject({
      problem: expect.stringMatching(/not an address of this computer/),
    });
    expect(
      checkFirstRunAnswer(
        { ...answer, method: 'passphrase', passphrase: 'short' },
        facts,
      ),
    ).toMatchObject({ problem: expect.stringMatching(/at least 12/) });
    // No keychain offered (plain-text keyring): choosing it anyway is refused with the reason.
    const noKeychain = {
      ...facts,
      offer: ['passphrase' as const],
      whyNoKeychain: 'plain text',
    };
    expect(checkFirstRunAnswer(answer, noKeychain)).toEqual({ problem: 'plain text' });
  });
});

describe('the network step, asked again on a later start', () => {
  const lan = { advertise: '192.168.1.20', port: 8443 };
  const choices = facts.addresses;

  it('comes back when the port is taken or refused, or the address is gone', () => {
    const taken =
      'The appliance server stopped before it was ready:\n{"level":60,"msg":' +
      '"Cannot listen on 0.0.0.0:8443 (EADDRINUSE); choose another port with FLOWGENTO_PORT"}';
    expect(networkStepReason(lan, choices, taken)).toMatch(/Port 8443 is in use/);
    expect(
      networkStepReason(lan, choices, 'Cannot listen on 0.0.0.0:8443 (EACCES)'),
    ).toMatch(/Port 8443 is not allowed/);
    expect(networkStepReason({ ...lan, advertise: '10.1.1.1' }, choices, null)).toMatch(
      /not an address of this computer/,
    );
    expect(networkStepReason(null, choices, null)).toMatch(/Choose where agents/);
  });

  it('stays away for any other failure, and checks the new answer like first run', () => {
    expect(networkStepReason(lan, choices, null)).toBeNull();
    expect(networkStepReason(lan, choices, 'key check does not match')).toBeNull();
    // Another listener's port (webhook.port in the data folder's config) is
    // not this step's to change: its error is shown, the step stays away.
    const webhook =
      'Cannot listen on 0.0.0.0:18460 (EADDRINUSE); choose another port with FLOWGENTO_WEBHOOK_PORT';
    expect(networkStepReason(lan, choices, webhook)).toBeNull();
    expect(
      networkStepReason(
        { advertise: null, port: 8443 },
        choices,
        webhook.replace('0.0.0.0', '127.0.0.1'),
      ),
    ).toBeNull();
    expect(
      networkStepReason(
        { advertise: null, port: 8443 },
        choices,
        'Cannot listen on 0.0.0.0:8443 (EADDRINUSE)',
      ),
    ).toBeNull();
    const networkFacts = { ...facts, mode: 'network' as const };
    expect(checkNetworkAnswer({ advertise: '', port: '9443' }, networkFacts)).toEqual({
      network: { advertise: null, port: 9443 },
    });
    expect(checkNetworkAnswer({ advertise: '', port: '80' }, networkFacts)).toMatchObject(
      {
        problem: expect.stringMatching(/1024/),
      },
    );
  });
});

describe('the tray', () => {
  const options = { paused: false, startsAtLogin: false, now: 10 * 60_000 };
  const ready = {
    url: 'https://127.0.0.1:8443',
    caFingerprint256: 'AA',
    lanUrls: [],
    needsSetup: false,
  };

  it('shows running, agents online and the last backup, and offers open, pause, login and quit', () => {
    const model = trayModel(
      { phase: 'running', ready, restarts: 0, pid: 1 },
      { agentsOnline: 3, lastBackupAt: 0 },
      options,
    );
    expect(model.tooltip).toBe('Flowgento Appliance: Running');
    expect(model.items.map((item) => item.label)).toEqual([
      'Running',
      'Agents online: 3',
      'Last backup: 10 min ago',
      'Open',
      'Pause',
      'Start at login',
      'Quit',
    ]);
    expect(model.items.find((i) => i.action === 'toggle-login')?.checked).toBe(false);
  });

  it('says when it is restarting or paused, and offers resume', () => {
    const restarting = trayModel(
      { phase: 'restarting', exit: { code: 1, signal: null }, inMs: 4000, restarts: 3 },
      null,
      options,
    );
    expect(restarting.items[0]!.label).toBe('Restarting in 4 s (after a crash)');
    expect(restarting.items.find((i) => i.action === 'open')?.enabled).toBe(false);
    const paused = trayModel({ phase: 'stopped' }, null, { ...options, paused: true });
    expect(paused.items[0]!.label).toBe('Paused');
    expect(paused.items.some((i) => i.action === 'resume')).toBe(true);
    expect(paused.items.find((i) => i.label.startsWith('Last backup'))?.label).toBe(
      'Last backup: none yet',
    );
  });

  it('after a crash loop says why, offers to start again, and shows the last lines', () => {
    const failed: Extract<SupervisorState, { phase: 'failed' }> = {
      phase: 'failed',
      exit: { code: 1, signal: null },
      why: 'The appliance server crashed 5 times in a row',
      tail: ['{"msg":"database is locked"}'],
    };
    const model = trayModel(failed, null, options);
    expect(model.items[0]!.label).toBe(
      'Stopped: the appliance server crashed 5 times in a row',
    );
    expect(model.items.find((i) => i.action === 'resume')).toMatchObject({
      label: 'Start again',
      enabled: true,
    });
    const message = failureMessage(failed, '/logs/server.log');
    expect(message).toContain('crashed 5 times in a row.\n\nIts last lines:\n{"msg"');
    expect(message).toContain('/logs/server.log');
  });
});
