// The local first-run and unlock page. It talks to the shell only through
// the wizard preload (`window.flowgentoWizard`); every check happens there.
import type { WizardAnswer, WizardFacts } from '../src/wizard-protocol.ts';

interface WizardBridge {
  facts(): Promise<WizardFacts>;
  submit(answer: WizardAnswer): Promise<{ problem: string | null }>;
}
const bridge = (window as unknown as { flowgentoWizard: WizardBridge }).flowgentoWizard;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const field = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;

async function showFirstRun(facts: WizardFacts): Promise<void> {
  const form = byId<HTMLFormElement>('first-run');
  form.hidden = false;
  if (!facts.offer.includes('keychain')) {
    byId('keychain-option').hidden = true;
    (form.elements.namedItem('method') as RadioNodeList).value = 'passphrase';
    const why = byId('why-no-keychain');
    why.textContent = facts.whyNoKeychain;
    why.hidden = false;
  }
  const select = byId<HTMLSelectElement>('addresses');
  for (const choice of facts.addresses) {
    const option = document.createElement('option');
    option.value = choice.address;
    option.textContent = `${choice.address} (${choice.interfaceName})`;
    select.append(option);
  }
  if (facts.addresses[0]) select.value = facts.addresses[0].address;
  (form.elements.namedItem('port') as HTMLInputElement).value = String(facts.defaultPort);

  const togglePassphrase = () => {
    byId('passphrase-fields').hidden = field(form, 'method') !== 'passphrase';
  };
  form.addEventListener('change', togglePassphrase);
  togglePassphrase();
  if (facts.mode === 'network') {
    byId('title').textContent = 'Where agents reach Flowgento Appliance';
    byId('key-step').hidden = true;
    byId('first-run-next').hidden = true;
    byId('first-run-problem').textContent = facts.networkProblem ?? '';
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const network = { advertise: field(form, 'advertise'), port: field(form, 'port') };
    const answer: WizardAnswer =
      facts.mode === 'network'
        ? { kind: 'network', ...network }
        : {
            kind: 'first-run',
            method: field(form, 'method') === 'keychain' ? 'keychain' : 'passphrase',
            passphrase: field(form, 'passphrase'),
            passphraseAgain: field(form, 'passphraseAgain'),
            ...network,
          };
    void bridge.submit(answer).then(({ problem }) => {
      byId('first-run-problem').textContent = problem ?? 'Starting…';
    });
  });
  await Promise.resolve();
}

function showUnlock(facts: WizardFacts): void {
  const form = byId<HTMLFormElement>('unlock');
  form.hidden = false;
  byId('title').textContent = 'Unlock Flowgento Appliance';
  if (facts.mode === 'recover') {
    byId('unlock-intro').textContent =
      "This computer's keychain holds no key for the appliance in this folder " +
      '(its key-storage.json is missing). Type the DATABASE ROOT KEY from the ' +
      'recovery kit; it is checked, then kept in the keychain again.';
    byId('unlock-label').textContent = 'Root key from the recovery kit';
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problemLine = byId('unlock-problem');
    problemLine.textContent = 'Checking…';
    void bridge
      .submit({ kind: 'unlock', passphrase: field(form, 'passphrase') })
      .then(({ problem }) => {
        problemLine.textContent = problem ?? 'Starting…';
      })
      .catch((error: unknown) => {
        problemLine.textContent = `The check failed: ${(error as Error).message}`;
      });
  });
}

void bridge
  .facts()
  .then((facts) =>
    facts.mode === 'first-run' || facts.mode === 'network'
      ? showFirstRun(facts)
      : showUnlock(facts),
  );
