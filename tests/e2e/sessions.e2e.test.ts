import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openWatchedPage, type PageWatch } from './support/browser.ts';
import {
  createWorkspaceInBrowser,
  useE2eAppliance,
  screenshotPath,
} from './support/appliance.ts';

/**
 * Two devices, one member: the session revoked from the Sessions screen is
 * signed out at its next action; "Sign out everywhere" ends the rest; and
 * the sign-in page says when to try again after too many wrong passwords.
 */

// Kept for a person to look at after a run; the folder is ignored by git.
const SCREENSHOT = screenshotPath('e2e-sessions.png');
const EMAIL = 'olivia@example.test';
const PASSWORD = 'correct horse battery';

const e2e = useE2eAppliance('off');

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('login-screen').waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('sessions, end to end in Chromium', () => {
  it('revokes another device, which is signed out at its next action', async () => {
    const app = e2e.running;
    const chromium = await e2e.browser();
    const watches: PageWatch[] = [];
    const open = async () => {
      const context = await chromium.newContext({
        viewport: { width: 1280, height: 800 },
      });
      const { page, watch } = await openWatchedPage(context, app.url);
      watches.push(watch);
      await page.goto(app.url);
      return page;
    };

    // The OWNER sets the appliance up on the desk machine.
    const desk = await open();
    await createWorkspaceInBrowser(desk, app.setupCode!, {
      email: EMAIL,
      password: PASSWORD,
    });

    // …and signs in on a laptop too.
    const laptop = await open();
    await signIn(laptop, EMAIL, PASSWORD);
    await laptop.getByTestId('inbox').waitFor();

    // From the desk, the Sessions screen lists both and revokes the laptop.
    await desk.getByTestId('nav-sessions').click();
    const rows = desk.getByTestId('session-row');
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    const current = desk.locator('[data-testid="session-row"][data-current]');
    expect(await current.textContent()).toContain('(this browser)');
    await desk.screenshot({ path: SCREENSHOT });
    await desk
      .locator('[data-testid="session-row"]:not([data-current])')
      .getByTestId('revoke-session')
      .click();
    await desk.locator('[data-testid="session-row"]:not([data-current])').waitFor({
      state: 'detached',
    });

    // The laptop's next action lands on the sign-in page.
    await laptop.getByTestId('nav-members').click();
    await laptop.getByTestId('login-screen').waitFor();

    // "Sign out everywhere" ends the desk's own session as well.
    await desk.getByTestId('sign-out-everywhere').click();
    await desk.getByTestId('login-screen').waitFor();
    await desk.reload();
    await desk.getByTestId('login-screen').waitFor();

    // Too many wrong passwords: the sign-in page says when to try again.
    for (let i = 0; i < 5; i++) {
      await signIn(laptop, 'ghost@example.test', 'not the password');
      await laptop
        .getByTestId('login-error')
        .filter({ hasText: 'Email or password is wrong' })
        .waitFor();
      await laptop.reload();
    }
    await signIn(laptop, 'ghost@example.test', 'not the password');
    const error = laptop.getByTestId('login-error');
    await error.filter({ hasText: 'Too many failed sign-ins' }).waitFor();
    expect(await error.textContent()).toMatch(/Try again in \d+ seconds/);

    // Refusals seen by the page (401 after revoke, 429) are expected; script
    // errors, CSP reports and foreign requests are not.
    const problems = watches
      .flatMap((w) => w.problems)
      .filter((p) => !/status of (401|429)/.test(p));
    expect(problems).toEqual([]);
  }, 60_000);
});
