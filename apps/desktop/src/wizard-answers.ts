// What the wizard window does with each answer from its page: checks it,
// says what is wrong, and decides when the wizard is done. The Electron glue
// (electron/wizard-window.ts) only carries messages to and from here.
import type { NetworkSettings } from './network-choice.ts';
import {
  checkFirstRunAnswer,
  checkNetworkAnswer,
  type FirstRunChoice,
  type WizardAnswer,
  type WizardFacts,
} from './wizard-protocol.ts';

export type WizardResult =
  | { kind: 'first-run'; choice: FirstRunChoice }
  | { kind: 'unlock'; passphrase: string }
  | { kind: 'network'; network: NetworkSettings }
  | { kind: 'closed' };

/** Wrong passphrases (or root keys) before the wizard closes and the app quits. */
export const MAX_UNLOCK_ATTEMPTS = 10;

export interface WizardAnswers {
  /**
   * The page's answer: `problem` is shown on the page; `done` ends the
   * wizard with that result.
   */
  submit(answer: WizardAnswer): Promise<{ problem: string | null; done?: WizardResult }>;
}

/**
 * `unlockProblem` says why a passphrase (or, in recover mode, a typed root
 * key) does not open the data folder, or null when it does. Each wrong one
 * is answered and asked again, up to MAX_UNLOCK_ATTEMPTS; nothing is written.
 */
export function wizardAnswers(
  facts: WizardFacts,
  unlockProblem: (secret: string) => Promise<string | null>,
  maxAttempts = MAX_UNLOCK_ATTEMPTS,
): WizardAnswers {
  let wrong = 0;
  return {
    async submit(answer) {
      switch (answer.kind) {
        case 'unlock': {
          if (facts.mode !== 'unlock' && facts.mode !== 'recover') {
            return { problem: 'Nothing to unlock here.' };
          }
          if (wrong >= maxAttempts) return { problem: 'Too many attempts.' };
          let problem: string | null;
          try {
            problem = await unlockProblem(answer.passphrase);
          } catch (error) {
            // Not a wrong secret (the data folder was set up another way, a
            // damaged appliance.json): said on the page, never left "Checking…".
            return { problem: (error as Error).message };
          }
          if (!problem) {
            return {
              problem: null,
              done: { kind: 'unlock', passphrase: answer.passphrase },
            };
          }
          wrong += 1;
          if (wrong < maxAttempts) return { problem };
          return {
            problem: `${problem} That was ${maxAttempts} attempts: start the app again to retry.`,
            done: { kind: 'closed' },
          };
        }
        case 'network': {
          if (facts.mode !== 'network') return { problem: 'Not asked here.' };
          const checked = checkNetworkAnswer(answer, facts);
          if ('problem' in checked) return { problem: checked.problem };
          return { problem: null, done: { kind: 'network', network: checked.network } };
        }
        case 'first-run': {
          if (facts.mode !== 'first-run') return { problem: 'Not asked here.' };
          const checked = checkFirstRunAnswer(answer, facts);
          if ('problem' in checked) return { problem: checked.problem };
          return { problem: null, done: { kind: 'first-run', choice: checked.choice } };
        }
      }
    },
  };
}
