import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readStoredZip } from '../../apps/server/test/zip-read.ts';
import {
  ownerWithSimulatedNumber,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * The request desk in Chromium, as an admin answers an access request: a
 * customer writes through the simulator, the OWNER logs the request,
 * verifies the person by their number, and downloads the export.
 */
const SCREENSHOT = screenshotPath('e2e-requests.png');
const LIVE_TIMEOUT = 15_000;
const e2e = useE2eAppliance('on');

describe('the Requests page, end to end in Chromium', () => {
  it('logs an access request, verifies identity and downloads the export', async () => {
    const app = e2e.running;
    const { page, watch, context, number } = await ownerWithSimulatedNumber(e2e, {
      context: {
        viewport: { width: 1280, height: 900 },
        acceptDownloads: true,
        // UTC+14: the browser's today is always a day whose UTC noon is still
        // ahead, so a form that sends date fields as UTC noon is caught.
        timezoneId: 'Pacific/Kiritimati',
      },
    });
    const customer = {
      phoneNumberId: number.phoneNumberId,
      from: '919876543210',
      profileName: 'Priya Nair',
    };
    await app.simulator!.sendCustomerMessage({ ...customer, text: 'Send me my data' });
    const photo = randomBytes(20_000);
    await app.simulator!.sendCustomerMedia({
      ...customer,
      kind: 'image',
      bytes: photo,
      mimeType: 'image/jpeg',
    });
    await expect
      .poll(
        () =>
          app.appliance.store.db
            .prepare(`SELECT count(*) FROM media WHERE state = 'stored'`)
            .pluck()
            .get(),
        { timeout: LIVE_TIMEOUT },
      )
      .toBe(1);

    await page.getByTestId('nav-requests').click();
    await page
      .getByLabel('Who asked (as they named themselves)')
      .fill('Priya Nair, by email');
    // Nomination is a DPDP right: offered only once that law is chosen.
    const kinds = () => page.getByLabel('Kind').locator('option').allTextContents();
    expect(await kinds()).not.toContain('nomination');
    await page.getByLabel('Law').selectOption('DPDP');
    expect(await kinds()).toContain('nomination');
    await page.getByTestId('log-request').click();
    const row = page.getByTestId('request').first();
    await expect.poll(() => row.getByTestId('request-status').textContent()).toBe('open');
    expect(await row.getByTestId('request-due').textContent()).toMatch(/on track/);

    await row.getByTestId('verify-number').fill('+91 98765 43210');
    await row.getByTestId('verify-method').fill('One-time code sent to their WhatsApp');
    await row.getByTestId('verify-request').click();
    const link = row.getByTestId('download-export');
    await link.waitFor();
    // The contact the number found, as the CLI names it, before the download.
    expect(await row.getByTestId('request-contact').textContent()).toBe(
      '; linked to Priya Nair (+••••••••3210)',
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^contact-export-\d{4}-\d\d-\d\d\.zip$/);
    const files = readStoredZip(readFileSync(await download.path()));
    const json = JSON.parse(files.get('contact.json')!.toString('utf8')) as {
      contact: { profileName: string };
      conversations: {
        messages: { text: string | null; media: { file: string } | null }[];
      }[];
    };
    expect(json.contact.profileName).toBe('Priya Nair');
    const messages = json.conversations[0]!.messages;
    expect(messages[0]!.text).toBe('Send me my data');
    expect(files.get(messages[1]!.media!.file)!.equals(photo)).toBe(true);
    expect(files.get('summary.txt')!.toString()).toMatch(/Meta Platforms/);

    await expect
      .poll(() => row.getByTestId('request-status').textContent(), {
        timeout: LIVE_TIMEOUT,
      })
      .toBe('fulfilled');

    // A GDPR request received and extended today, the requester told today.
    await page
      .getByLabel('Who asked (as they named themselves)')
      .fill('Arjun Rao, by letter');
    await page.getByLabel('Law').selectOption('GDPR');
    await page.getByTestId('log-request').click();
    const gdpr = page.getByTestId('request').filter({ hasText: 'Arjun Rao' });
    await gdpr.getByRole('button', { name: 'Extend' }).click();
    const [today, inTwoMonths] = await page.evaluate(() =>
      [0, 60].map((days) => {
        const at = new Date();
        at.setDate(at.getDate() + days);
        const pad = (n: number) => String(n).padStart(2, '0');
        return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
      }),
    );
    await gdpr.getByLabel('Requester told on').fill(today!);
    await gdpr.getByLabel('New deadline').fill(inTwoMonths!);
    await gdpr.getByLabel('Reason').fill('Many years of messages to gather');
    await gdpr.getByRole('button', { name: 'Record extension' }).click();
    await expect
      .poll(() => gdpr.getByTestId('request-status').textContent())
      .toBe('extended');
    expect(await gdpr.getByTestId('request-due').textContent()).toContain(
      `due ${inTwoMonths}`,
    );
    expect(await gdpr.textContent()).toContain(`received ${today}`);
    expect(watch.problems).toEqual([]);
    await context.close();
  });
});
