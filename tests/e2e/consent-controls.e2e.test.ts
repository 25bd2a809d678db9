import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  ownerWithSimulatedNumber,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * Recording and withdrawing consent in a real browser (review of issue #8):
 * an OWNER records opt-ins to marketing and to the workspace's own purpose
 * from the contact panel, naming the notice; the customer's STOP withdraws
 * both, and the panel shows why it refuses to opt them back in; their START
 * brings back marketing only, under its notice, and lets the OWNER record
 * surveys again; the Privacy page withdraws marketing in one click.
 */
const SCREENSHOT = screenshotPath('e2e-consent-controls.png');
const LIVE_TIMEOUT = 15_000;
const e2e = useE2eAppliance('on');

async function customerWrites(page: Page, text: string) {
  const panel = page.getByTestId('simulator-panel');
  if ((await panel.getAttribute('open')) === null) await panel.locator('summary').click();
  await page.getByTestId('sim-from').fill('919876500042');
  await page.getByTestId('sim-name').fill('Meera Iyer');
  await page.getByTestId('sim-text').fill(text);
  await page.getByTestId('sim-send').click();
}

function entry(page: Page, text: string) {
  return page
    .getByTestId('contact-consent-entry')
    .filter({ hasText: text })
    .waitFor({ timeout: LIVE_TIMEOUT });
}

describe('consent controls, end to end in Chromium', () => {
  it('records opt-ins per purpose, lets STOP withdraw them all and refuse them back, and START bring back marketing only', async () => {
    const { page, watch, context } = await ownerWithSimulatedNumber(e2e);

    // The notice customers read, and a purpose of the workspace's own.
    await page.getByTestId('nav-privacy').click();
    await page.getByTestId('notice-version').fill('2026-01');
    await page.getByTestId('notice-language').fill('en');
    await page.getByTestId('notice-body').fill('Offers and surveys on WhatsApp.');
    await page.getByTestId('notice-publish').click();
    await page.getByTestId('consent-notice-item').waitFor({ timeout: LIVE_TIMEOUT });
    const purposes = page.getByTestId('consent-purposes');
    await purposes.locator('input[name=purpose]').fill('surveys');
    await purposes.locator('input[name=description]').fill('Surveys after a visit');
    await purposes.getByRole('button', { name: 'Save purpose' }).click();
    await purposes.getByText('Surveys after a visit').waitFor({ timeout: LIVE_TIMEOUT });

    // The customer writes; the OWNER records both opt-ins from the panel.
    await page.getByTestId('nav-inbox').click();
    await customerWrites(page, 'Hello, I would like your offers');
    const item = page.getByTestId('conversation-item').filter({ hasText: 'Meera Iyer' });
    await item.waitFor({ timeout: LIVE_TIMEOUT });
    await item.click();
    for (const purpose of ['marketing', 'surveys']) {
      await page.getByTestId('consent-record-purpose').selectOption(purpose);
      await page.getByTestId('consent-record-save').click();
      await entry(page, `${purpose}: opted in (admin, notice 2026-01 en`);
    }

    // STOP withdraws both; the OWNER cannot opt the customer back in on
    // their own word, and is told why.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await customerWrites(page, 'STOP');
    await entry(page, 'marketing: opted out (keyword');
    await entry(page, 'surveys: opted out (keyword');
    await page.getByTestId('consent-record-purpose').selectOption('surveys');
    await page.getByTestId('consent-record-save').click();
    await page
      .getByTestId('consent-record')
      .getByRole('alert')
      .filter({ hasText: 'withdrew surveys consent themselves (STOP)' })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await entry(page, 'surveys: opted out (keyword');

    // A START a second later restores marketing only.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await customerWrites(page, 'START');
    await entry(page, 'marketing: opted in (keyword, notice 2026-01 en');
    await entry(page, 'surveys: opted out (keyword');
    await page.getByTestId('contact-consent-history').locator('summary').click();
    await page
      .getByTestId('contact-consent-change')
      .filter({ hasText: 'resumed by the customer under their earlier notice' })
      .waitFor({ timeout: LIVE_TIMEOUT });
    // The customer asked again: the OWNER may record surveys once more.
    await page.getByTestId('consent-record-purpose').selectOption('surveys');
    await page.getByTestId('consent-record-save').click();
    await entry(page, 'surveys: opted in (admin, notice 2026-01 en');

    // The Privacy page withdraws marketing in one click.
    await page.getByTestId('nav-privacy').click();
    const row = page
      .getByTestId('consent-register-row')
      .filter({ hasText: '919876500042' })
      .filter({ hasText: 'marketing' });
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    await row.getByTestId('consent-withdraw').click();
    await row.filter({ hasText: 'Opted out' }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.textContent()).toMatch(/marketing.*Opted out.*admin/);
    expect(await row.getByTestId('consent-withdraw').count()).toBe(0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The refused opt-in answers 412, which Chromium logs, once.
    const refusal = /Failed to load resource: the server responded with a status of 412/;
    expect(watch.problems.filter((p) => refusal.test(p))).toHaveLength(1);
    expect(watch.problems.filter((p) => !refusal.test(p))).toEqual([]);
    await context.close();
  }, 90_000);
});
