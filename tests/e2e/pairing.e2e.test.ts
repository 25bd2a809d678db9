import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openWatchedPage } from './support/browser.ts';
import { screenshotPath, useE2eAppliance } from './support/appliance.ts';

/**
 * First run and pairing as the admin lives it in the desktop app's window:
 * create the OWNER, then open Pairing for the agent URL, its QR code and the
 * CA fingerprint agents compare before trusting the certificate.
 */

const SCREENSHOT = screenshotPath('e2e-pairing.png');
// Only shown and encoded, never contacted: the server listens on loopback.
const AGENT_URL = 'https://appliance.office.test:8443';

const e2e = useE2eAppliance('off', { env: { FLOWGENTO_AGENT_URL: AGENT_URL } });

describe('pairing an agent browser, end to end in Chromium', () => {
  it('creates the OWNER with the code from the desktop app, then shows the agent URL, its QR code and the CA fingerprint of /ca.crt', async () => {
    const app = e2e.running;
    const context = await (
      await e2e.browser()
    ).newContext({
      viewport: { width: 1280, height: 900 },
    });
    // What the desktop app's preload exposes in its admin window.
    await context.addInitScript((code) => {
      Object.defineProperty(globalThis, 'flowgentoDesktop', {
        value: Object.freeze({ setupCode: () => Promise.resolve(code) }),
      });
    }, app.setupCode!);
    const { page, watch } = await openWatchedPage(context, app.url);
    await page.goto(app.url);

    // The setup code arrives from the desktop app; the OWNER types the rest.
    await page.getByTestId('setup-screen').waitFor();
    await expect
      .poll(() => page.getByLabel('Setup code').inputValue())
      .toBe(app.setupCode);
    await page.getByLabel('Workspace name').fill('Acme Clinic');
    await page.getByLabel('Your name').fill('Olivia Owner');
    await page.getByLabel('Email').fill('olivia@example.test');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create workspace' }).click();

    // First run in the desktop app goes on to pairing and the recovery kit.
    await page.getByTestId('pairing-screen').waitFor();
    expect(await page.getByTestId('pairing-recovery-kit').count()).toBe(1);
    expect(
      await page
        .getByRole('link', { name: 'Open the recovery kit' })
        .getAttribute('href'),
    ).toBe('#/backups/kit');
    await expect
      .poll(() => page.getByTestId('pairing-url').innerText())
      .toContain(AGENT_URL);
    const qr = page.getByRole('img', { name: `QR code for ${AGENT_URL}` });
    expect(await qr.count()).toBe(1);
    expect(await qr.locator('path').getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);

    // The fingerprint shown is the one of the certificate /ca.crt serves.
    const shown = await page.getByTestId('pairing-ca-fingerprint').innerText();
    const pem = await page.evaluate(async () => (await fetch('/ca.crt')).text());
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
    const served = createHash('sha256').update(der).digest('hex').toUpperCase();
    expect(shown.replace(/:/g, '')).toBe(served);
    expect(shown).toBe(app.tls.caFingerprint256);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows no pairing details before sign-in, and the API refuses them', async () => {
    const app = e2e.running;
    const context = await (await e2e.browser()).newContext();
    const { page } = await openWatchedPage(context, app.url);
    await page.goto(`${app.url}/#/pairing`);
    // Signed out: the addresses are not shown before sign-in.
    await page.getByTestId('login-screen').waitFor();
    expect(await page.getByTestId('pairing-screen').count()).toBe(0);
    const status = await page.evaluate(
      async () => (await fetch('/trpc/system.pairing')).status,
    );
    expect(status).toBe(401);
    await context.close();
  }, 60_000);
});
