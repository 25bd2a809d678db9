import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  WizardAnswer,
  WizardFacts,
} from '../../apps/desktop/src/wizard-protocol.ts';
import { screenshotPath } from './support/appliance.ts';
import { assertChromiumInstalled, CHROMIUM_PATH } from './support/browser.ts';

/**
 * The desktop app's local first-run and unlock page, in Chromium as Electron
 * loads it (a file: URL under its own CSP), with the wizard preload's two
 * calls stood in for: what the admin picks must reach the shell as typed.
 */

const DESKTOP = resolve(import.meta.dirname, '../../apps/desktop');
let folder: string;
let pageUrl: string;
let browser: Browser;

beforeAll(async () => {
  // The same layout as inside the app: wizard/ beside dist/wizard-page.js.
  folder = mkdtempSync(join(tmpdir(), 'fg-wizard-'));
  cpSync(join(DESKTOP, 'wizard'), join(folder, 'wizard'), { recursive: true });
  mkdirSync(join(folder, 'dist'));
  await build({
    entryPoints: [join(DESKTOP, 'wizard', 'page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    outfile: join(folder, 'dist', 'wizard-page.js'),
    logLevel: 'silent',
  });
  pageUrl = pathToFileURL(join(folder, 'wizard', 'index.html')).href;
  assertChromiumInstalled();
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Opens the page with a stand-in bridge; returns what it submitted. */
async function openWizard(facts: WizardFacts, problems: (string | null)[]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const submitted: WizardAnswer[] = [];
  await page.exposeFunction('recordAnswer', (answer: WizardAnswer) => {
    submitted.push(answer);
    return problems.shift() ?? null;
  });
  await page.addInitScript((given) => {
    const record = (
      globalThis as unknown as Record<string, (a: unknown) => Promise<unknown>>
    ).recordAnswer!;
    Object.defineProperty(globalThis, 'flowgentoWizard', {
      value: Object.freeze({
        facts: () => Promise.resolve(given),
        submit: async (answer: unknown) => ({ problem: await record(answer) }),
      }),
    });
  }, facts);
  await page.goto(pageUrl);
  return { page, submitted, errors, close: () => context.close() };
}

const FIRST_RUN: WizardFacts = {
  mode: 'first-run',
  offer: ['keychain', 'passphrase'],
  whyNoKeychain: null,
  addresses: [{ address: '192.168.1.20', interfaceName: 'eth0' }],
  defaultPort: 8443,
};

describe('the desktop first-run wizard page, in Chromium', () => {
  it('sends the keychain choice, the LAN address and the port', async () => {
    const wizard = await openWizard(FIRST_RUN, []);
    await wizard.page.getByRole('button', { name: 'Start the appliance' }).waitFor();
    await wizard.page.screenshot({ path: screenshotPath('e2e-desktop-wizard.png') });
    await wizard.page.getByRole('button', { name: 'Start the appliance' }).click();
    await expect.poll(() => wizard.submitted.length).toBe(1);
    expect(wizard.submitted[0]).toMatchObject({
      kind: 'first-run',
      method: 'keychain',
      advertise: '192.168.1.20',
      port: '8443',
    });
    // The page says so once the submit's promise settles, a moment after
    // the bridge saw it: wait for the text rather than read it once.
    await expect.poll(() => wizard.page.getByRole('alert').innerText()).toBe('Starting…');
    expect(wizard.errors).toEqual([]);
    await wizard.close();
  });

  it('without a keychain offers only a passphrase, says why, and shows a refusal', async () => {
    const why = 'This desktop session has no keyring service (GNOME Keyring or KWallet).';
    const wizard = await openWizard(
      { ...FIRST_RUN, offer: ['passphrase'], whyNoKeychain: why },
      ['The two passphrases differ; type the same one twice.'],
    );
    const page = wizard.page;
    expect(await page.getByText(why).isVisible()).toBe(true);
    expect(await page.locator('#keychain-option').isVisible()).toBe(false);
    await page
      .getByLabel('Passphrase (12 characters or more)')
      .fill('correct horse battery');
    await page.getByLabel('The same passphrase again').fill('correct horse battery!');
    await page.getByLabel('Address agents use').selectOption('');
    await page.getByLabel('HTTPS port').fill('9443');
    await page.getByRole('button', { name: 'Start the appliance' }).click();

    await page.getByText('The two passphrases differ').waitFor();
    expect(wizard.submitted[0]).toEqual({
      kind: 'first-run',
      method: 'passphrase',
      passphrase: 'correct horse battery',
      passphraseAgain: 'correct horse battery!',
      advertise: '',
      port: '9443',
    });
    expect(wizard.errors).toEqual([]);
    await wizard.close();
  });

  it('asks for the passphrase again after a wrong one', async () => {
    const wizard = await openWizard(
      { ...FIRST_RUN, mode: 'unlock', offer: ['passphrase'] },
      ['That passphrase does not open this appliance. Try again.'],
    );
    const page = wizard.page;
    expect(await page.getByRole('heading').innerText()).toBe(
      'Unlock Flowgento Appliance',
    );
    await page.getByLabel('Passphrase', { exact: true }).fill('wrong one here');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('does not open this appliance').waitFor();
    await page.getByLabel('Passphrase', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await expect.poll(() => wizard.submitted.length).toBe(2);
    expect(wizard.submitted.map((a) => a.kind === 'unlock' && a.passphrase)).toEqual([
      'wrong one here',
      'correct horse battery',
    ]);
    await expect
      .poll(() => page.locator('#unlock-problem').innerText())
      .toBe('Starting…');
    await wizard.close();
  });
});
