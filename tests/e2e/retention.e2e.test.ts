import { describe, expect, it } from 'vitest';
import { openWatchedPage } from './support/browser.ts';
import {
  createWorkspaceInBrowser,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * The Retention page in Chromium, as an OWNER first meets it: a rule that
 * would keep the audit log under a year is refused with the floor and the
 * law named, and a 30-day conversation rule is saved and listed.
 */

const SCREENSHOT = screenshotPath('e2e-retention.png');
const OWNER = { email: 'olivia@example.test', password: 'correct horse battery' };
const appliance = useE2eAppliance('off');

describe('retention, end to end in Chromium', () => {
  it('refuses an audit rule under a year and saves a 30-day conversation rule', async () => {
    const app = appliance.running;
    const browser = await appliance.browser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, watch } = await openWatchedPage(context, app.url);
    await page.goto(app.url);
    await createWorkspaceInBrowser(page, app.setupCode!, OWNER);

    await page.getByTestId('nav-retention').click();
    const floors = page.getByTestId('retention-floors');
    await floors.waitFor();
    expect(await floors.textContent()).toContain('at least 180 days by the CERT-In');
    const form = page.getByTestId('retention-form');
    await form.getByLabel('Data').selectOption('audit_log');
    await form.getByLabel('Keep for (days)').fill('200');
    await form.getByRole('button', { name: 'Save rule' }).click();
    const error = page.getByTestId('retention-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('at least 365 days');
    expect(await error.textContent()).toContain('DPDP Rules');

    await form.getByLabel('Data').selectOption('conversations');
    await form.getByLabel('Keep for (days)').fill('30');
    await form.getByRole('button', { name: 'Save rule' }).click();
    const rules = page.getByTestId('retention-rules');
    await rules.filter({ hasText: '30 days' }).waitFor();
    expect(await rules.textContent()).not.toContain('Audit log');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // The refused rule is a 412 (a rule of the law) the console reports;
    // nothing else may go wrong.
    expect(watch.problems.filter((p) => !/status of 412/.test(p))).toEqual([]);
    await context.close();
  }, 60_000);
});
