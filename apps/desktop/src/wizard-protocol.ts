// The first-run wizard's contract: what the shell tells the local wizard page
// and what the page answers. No Node imports: the sandboxed preload uses it.
import type { KeyStorageMethod } from './key-storage.ts';
import {
  checkNetworkSettings,
  checkPort,
  type AddressChoice,
  type NetworkSettings,
} from './network-choice.ts';
import { checkNewPassphrase } from './passphrase-rules.ts';

export interface WizardFacts {
  /**
   * First run (choose everything), a later start that needs the passphrase,
   * or bringing back a lost keychain entry with the recovery kit's root key.
   */
  mode: 'first-run' | 'unlock' | 'recover' | 'network';
  offer: KeyStorageMethod[];
  /** Why the keychain is not offered, said on the key-storage step. */
  whyNoKeychain: string | null;
  /** In `network` mode: why the address and port are asked again. */
  networkProblem?: string | null;
  addresses: AddressChoice[];
  defaultPort: number;
}

export type WizardAnswer =
  | {
      kind: 'first-run';
      method: KeyStorageMethod;
      passphrase: string;
      passphraseAgain: string;
      /** '' keeps the appliance on this computer only. */
      advertise: string;
      port: string;
    }
  /** `passphrase` holds the root key as typed in `recover` mode. */
  | { kind: 'unlock'; passphrase: string }
  /** Only the network step, asked again (`network` mode). */
  | { kind: 'network'; advertise: string; port: string };

export type FirstRunChoice = {
  method: KeyStorageMethod;
  passphrase: string | null;
  network: NetworkSettings;
};

export const WIZARD_CHANNELS = {
  facts: 'flowgento-wizard:facts',
  submit: 'flowgento-wizard:submit',
} as const;

/** Checks the network step, alone or within first run. */
export function checkNetworkAnswer(
  answer: { advertise: string; port: string },
  facts: WizardFacts,
): { network: NetworkSettings } | { problem: string } {
  const port = checkPort(answer.port);
  if ('problem' in port) return port;
  const network = {
    advertise: answer.advertise === '' ? null : answer.advertise,
    port: port.port,
  };
  const problem = checkNetworkSettings(network, facts.addresses);
  return problem ? { problem } : { network };
}

/** Checks a first-run answer; a refusal is one sentence the page shows. */
export function checkFirstRunAnswer(
  answer: Extract<WizardAnswer, { kind: 'first-run' }>,
  facts: WizardFacts,
): { choice: FirstRunChoice } | { problem: string } {
  if (!facts.offer.includes(answer.method)) {
    return { problem: facts.whyNoKeychain ?? 'Choose how the key is kept.' };
  }
  if (answer.method === 'passphrase') {
    const problem = checkNewPassphrase(answer.passphrase, answer.passphraseAgain);
    if (problem) return { problem };
  }
  const checked = checkNetworkAnswer(answer, facts);
  if ('problem' in checked) return checked;
  return {
    choice: {
      method: answer.method,
      passphrase: answer.method === 'passphrase' ? answer.passphrase : null,
      network: checked.network,
    },
  };
}
