import { describe, expect, it } from 'vitest';
import {
  ownerWithSimulatedNumber,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * The consent register in a real browser (issue #8, part 5): an OWNER
 * publishes a notice on the Privacy page; at the desk a customer with no
 * opt-in is marked as refused for marketing; the opt-in is recorded naming
 * the notice, shows in the contact panel and in the register, whose export
 * is offered as a file.
 */
const SCREENSHOT = screenshotPath('e2e-consent-register.png');
const LIVE_TIMEOUT = 15_000;
const e2e = useE2eAppliance('on');

describe('consent register, end to end in Chromium', () => {
  it('records an opt-in with its notice at the desk and shows it in the contact panel and the register', async () => {
    const { page, watch, context } = await ownerWithSimulatedNumber(e2e);

    // The customer writes; no opt-in is on record, so marketing is refused.
    const panel = page.getByTestId('simulator-panel');
    if ((await panel.getAttribute('open')) === null)
      await panel.locator('summary').click();
    await page.getByTestId('sim-from').fill('919876500001');
    await page.getByTestId('sim-name').fill('Kavya Rao');
    await page.getByTestId('sim-text').fill('Hello, any offers this month?');
    await page.getByTestId('sim-send').click();
    const item = page.getByTestId('conversation-item').filter({ hasText: 'Kavya Rao' });
    await item.waitFor({ timeout: LIVE_TIMEOUT });
    await item.click();
    await page
      .getByTestId('consent-state')
      .filter({ hasText: 'No marketing opt-in on record' })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByTestId('consent-no-notice').waitFor();

    // The OWNER publishes the notice customers are shown.
    await page.getByTestId('nav-privacy').click();
    await page.getByTestId('notice-version').fill('2026-01');
    await page.getByTestId('notice-language').fill('en');
    await page
      .getByTestId('notice-body')
      .fill('We send offers on WhatsApp; reply STOP to end.');
    await page.getByTestId('notice-publish').click();
    await page
      .getByTestId('consent-notice-item')
      .filter({ hasText: '2026-01 (en)' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    // Back at the desk, the opt-in names that notice.
    await page.getByTestId('nav-inbox').click();
    await item.click();
    await page.getByTestId('consent-notice').waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByTestId('consent-toggle').click();
    await page
      .getByTestId('consent-state')
      .filter({
        hasText: 'Opted in to marketing (recorded by an agent, notice 2026-01 in en',
      })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await page
      .getByTestId('contact-consent-entry')
      .filter({ hasText: 'marketing: opted in (agent, notice 2026-01 en' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    // The register lists it, and exports it as a file.
    await page.getByTestId('nav-privacy').click();
    const row = page
      .getByTestId('consent-register-row')
      .filter({ hasText: '919876500001' });
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.textContent()).toMatch(/marketing.*Opted in.*agent.*2026-01 \(en\)/);
    const download = page.waitForEvent('download');
    await page.getByTestId('consent-export-csv').click();
    expect((await download).suggestedFilename()).toBe('consent-register.csv');
    await page.getByTestId('consent-exported').waitFor();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(watch.problems).toEqual([]);
    await context.close();
  }, 90_000);
});
