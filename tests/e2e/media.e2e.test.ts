import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ownerWithSimulatedNumber,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * Inbound media in a real browser: a (simulated) customer sends a photo and
 * a PDF; the agent sees the photo in the thread, loaded from the appliance,
 * and downloads the PDF with exactly the bytes the customer sent.
 */
const SCREENSHOT = screenshotPath('e2e-media.png');
const LIVE_TIMEOUT = 15_000;

// A 1×1 PNG: small, and real enough for the browser to decode and lay out.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(40_000)]);

const e2e = useE2eAppliance('on');

describe('media, end to end in Chromium', () => {
  it('shows a customer’s photo inline and downloads their document byte for byte', async () => {
    const app = e2e.running;
    const { page, watch, context, number } = await ownerWithSimulatedNumber(e2e, {
      context: { viewport: { width: 1280, height: 800 }, acceptDownloads: true },
    });
    const customer = {
      phoneNumberId: number.phoneNumberId,
      from: '5511987654321',
      profileName: 'Ana Souza',
    };

    await app.simulator!.sendCustomerMedia({
      ...customer,
      kind: 'image',
      bytes: PNG,
      mimeType: 'image/png',
      caption: '<b>not bold</b> — the box arrived like this',
    });
    await app.simulator!.sendCustomerMedia({
      ...customer,
      kind: 'document',
      bytes: PDF,
      mimeType: 'application/pdf',
      filename: 'invoice-2024.pdf',
    });

    await page.getByTestId('conversation-item').first().click();
    const image = page.getByTestId('media-image');
    await image.waitFor({ timeout: LIVE_TIMEOUT });
    await expect
      .poll(
        () => image.evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
        {
          timeout: LIVE_TIMEOUT,
        },
      )
      .toBe(1);
    // The caption is text: its markup shows as written.
    expect(await page.getByText('<b>not bold</b>', { exact: false }).count()).toBe(1);

    const link = page.getByTestId('media-download');
    await link.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await link.textContent()).toContain('invoice-2024.pdf');
    expect(await link.textContent()).toContain('39 KB');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('invoice-2024.pdf');
    expect(readFileSync(await download.path()).equals(PDF)).toBe(true);

    // The Simulator panel sends a photo too: the built-in sample, from
    // another customer, and the agent sees it in that conversation.
    await page.getByTestId('sim-from').fill('5511900000002');
    await page.getByTestId('sim-name').fill('Bruno Lima');
    await page.getByTestId('sim-caption').fill('sample from the panel');
    await page.getByTestId('sim-send-photo').click();
    await page
      .getByTestId('conversation-item')
      .filter({ hasText: 'Bruno Lima' })
      .click({ timeout: LIVE_TIMEOUT });
    const sample = page.getByTestId('media-image');
    await sample.waitFor({ timeout: LIVE_TIMEOUT });
    await expect
      .poll(
        () => sample.evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
        { timeout: LIVE_TIMEOUT },
      )
      .toBe(24);
    // The caption shows in the thread (and as the list's preview).
    expect(await page.getByText('sample from the panel').count()).toBeGreaterThan(0);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(watch.problems).toEqual([]);
    await context.close();
  });
});
