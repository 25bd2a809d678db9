import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fromBase32, totpCode, totpStep } from '@flowgento/access';
import { openWatchedPage, type PageWatch } from './support/browser.ts';
import {
  createWorkspaceInBrowser,
  useE2eAppliance,
  screenshotPath,
} from './support/appliance.ts';

/**
 * An OWNER turns on two-factor sign-in from the Security page (QR code,
 * then a code typed back, then recovery codes), signs in again with a code
 * from the app, and then with a recovery code instead.
 */

const SCREENSHOT = screenshotPath('e2e-two-factor.png');
const EMAIL = 'olivia@example.test';
const PASSWORD = 'correct horse battery';

const e2e = useE2eAppliance('off');

/** What the phone's authenticator app would show, `steps` steps from now. */
const appCode = (secret: string, steps = 0) =>
  totpCode(fromBase32(secret), totpStep(Date.now()) + steps);

async function passwordStep(page: Page): Promise<void> {
  await page.getByTestId('login-screen').waitFor();
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('second-factor-screen').waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await page.getByTestId('login-screen').waitFor();
}

describe('two-factor sign-in, end to end in Chromium', () => {
  it('is turned on from the Security page and then asked for at sign-in', async () => {
    const app = e2e.running;
    const chromium = await e2e.browser();
    const context = await chromium.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, watch }: { page: Page; watch: PageWatch } = await openWatchedPage(
      context,
      app.url,
    );
    await page.goto(app.url);

    await createWorkspaceInBrowser(page, app.setupCode!, {
      email: EMAIL,
      password: PASSWORD,
    });

    // Security → set up: a QR code and the key, then a code typed back.
    await page.getByTestId('nav-sessions').click();
    await page.getByTestId('two-factor-begin').click();
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    const secret = (await page.getByTestId('two-factor-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page
      .getByTestId('two-factor')
      .getByLabel('Code', { exact: true })
      .fill(appCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();

    const codes = page.getByTestId('recovery-codes').locator('li');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const recovery = (await codes.nth(2).textContent())!.trim();
    await page.screenshot({ path: SCREENSHOT });
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByTestId('two-factor-on').waitFor();

    // Signing in again asks for the code; a wrong one is refused.
    await signOut(page);
    await passwordStep(page);
    await page.getByLabel('Code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByTestId('second-factor-error')
      .filter({ hasText: 'wrong or was already used' })
      .waitFor();
    // The code used to turn it on is spent; the app's next one works.
    await page.getByLabel('Code', { exact: true }).fill(appCode(secret, 1));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('inbox').waitFor();

    // A recovery code works in place of the app.
    await signOut(page);
    await passwordStep(page);
    await page.getByLabel('Code', { exact: true }).fill(recovery);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('inbox').waitFor();
    await page.getByTestId('nav-sessions').click();
    await page
      .getByTestId('two-factor-on')
      .filter({ hasText: '9 recovery codes' })
      .waitFor();

    // The wrong code's 401 is expected; nothing else may go wrong on the page.
    expect(watch.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  }, 60_000);
});
