import { describe, expect, it } from 'vitest';
import {
  ownerWithSimulatedNumber,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * Issue #8's last Done-when, tried as a new admin would in Chromium: log a
 * breach, see the clocks count down, produce the Board report and the
 * notices to the people affected (found from the access log).
 */

const SCREENSHOT = screenshotPath('e2e-breaches.png');
const e2e = useE2eAppliance('on');

describe('the breach register, end to end in Chromium', () => {
  it('logs a breach, counts its clocks down, and produces the Board report and the notices', async () => {
    const { page, watch, context } = await ownerWithSimulatedNumber(e2e);

    // A customer writes and the OWNER opens the conversation: the access log notes it.
    await page.getByTestId('sim-from').fill('919876543210');
    await page.getByTestId('sim-name').fill('Asha Rao');
    await page.getByTestId('sim-text').fill('Is my test report ready?');
    await page.getByTestId('sim-send').click();
    await page.getByTestId('conversation-item').filter({ hasText: 'Asha Rao' }).click();
    await page.getByText('Is my test report ready?').first().waitFor();

    // The owner never set a security contact: every screen says so.
    expect(await page.getByTestId('disclosure-banner').textContent()).toContain(
      'No security contact is set.',
    );

    await page.getByRole('link', { name: 'Breaches' }).click();
    const form = page.getByTestId('new-breach');
    await form.getByLabel('Title').fill('Front-desk laptop stolen');
    // Noticed five and a half hours ago (the field keeps whole minutes):
    // CERT-In's six hours are nearly up.
    const awareAt = await page.evaluate(() => {
      const at = new Date(Date.now() - 5.5 * 3_600_000);
      return new Date(at.getTime() - at.getTimezoneOffset() * 60_000)
        .toISOString()
        .slice(0, 16);
    });
    await form.getByLabel('Became aware at').fill(awareAt);
    await form
      .getByLabel('What happened (nature)')
      .fill('A laptop with the inbox open was stolen');
    await form.getByLabel('Categories of data').fill('names, numbers, messages');
    await form.getByLabel('Systems involved').fill('front-desk browser session');
    await form.getByLabel('Measures taken').fill('the session was revoked');
    await form.getByLabel('Contact point for questions').fill('privacy@acme.test');
    await form.getByRole('button', { name: 'Log breach' }).click();

    // The Board's intimation is due without delay: due now, counting up
    // from the awareness, never "not due".
    const intimation = page.getByTestId('clock-board_intimation');
    await intimation.waitFor();
    expect(await intimation.getAttribute('data-state')).toBe('due_now');
    expect(
      await page.getByTestId('clock-board_intimation-remaining').textContent(),
    ).toMatch(/^Due now: 5 h (29|30|31) min \d\d s since you became aware$/);

    // Five clocks; CERT-In is due soon and counts down between two reads.
    const certIn = page.getByTestId('clock-cert_in');
    await certIn.waitFor();
    expect(await certIn.getAttribute('data-state')).toBe('due_soon');
    for (const duty of ['people', 'board', 'gdpr']) {
      expect(await page.getByTestId(`clock-${duty}`).getAttribute('data-state')).toBe(
        'running',
      );
    }
    const remaining = page.getByTestId('clock-cert_in-remaining');
    const first = await remaining.textContent();
    expect(first).toMatch(/^0 h (28|29|30) min \d\d s left$/);
    await page.waitForTimeout(2_100);
    const second = await remaining.textContent();
    expect(second).not.toBe(first);
    expect(secondsOf(second!)).toBeLessThan(secondsOf(first!));
    await expect
      .poll(() => page.getByTestId('clock-board-remaining').textContent())
      .toMatch(/^66 h \d\d min \d\d s left$/);

    // The Board's 72-hour report, pre-filled from the incident.
    await page.getByRole('button', { name: 'Produce the Board report' }).click();
    const report = page.getByTestId('breach-report');
    await report.waitFor();
    const reportText = await report.locator('pre').textContent();
    expect(reportText).toContain('Report to the Data Protection Board of India');
    expect(reportText).toContain('A laptop with the inbox open was stolen');

    // CERT-In told: marked done with its reference; a later change is a correction.
    const markDone = page.getByTestId('mark-done');
    await markDone.getByLabel('Notification sent to').selectOption('cert_in');
    await markDone.getByLabel(/^Reference/).fill('CERTIn-2026-7');
    await markDone.getByRole('button', { name: 'Mark done' }).click();
    await expect.poll(() => certIn.getAttribute('data-state')).toBe('done');
    await markDone.getByLabel(/^Reference/).fill('CERTIn-2026-8');
    await markDone.getByLabel('Why correct it').fill('CERT-In sent a new number');
    await markDone.getByRole('button', { name: 'Correct' }).click();
    await expect
      .poll(() => page.getByTestId('clock-cert_in-remaining').textContent())
      .toContain('CERTIn-2026-8');

    // The Board intimated, with its acknowledgement.
    await markDone.getByLabel('Notification sent to').selectOption('board_intimation');
    await markDone.getByLabel(/^Reference/).fill('DPB-INT-2026-3');
    await markDone.getByRole('button', { name: 'Mark done' }).click();
    await expect.poll(() => intimation.getAttribute('data-state')).toBe('done');
    expect(
      await page.getByTestId('clock-board_intimation-remaining').textContent(),
    ).toContain('DPB-INT-2026-3');

    // The people affected come from the access log; one notice each.
    await page.getByRole('button', { name: 'Find the affected contacts' }).click();
    await page.getByTestId('affected-contacts').getByText('Asha Rao').waitFor();
    await page.getByTestId('affected-summary').waitFor();
    expect(await page.getByTestId('affected-summary').textContent()).toMatch(
      /^1 contact to notify\. Records held for them when found: 1 message, 0 files and 0 notes\.$/,
    );
    await page.getByRole('button', { name: 'Produce the notices' }).click();
    const notices = page.getByTestId('breach-notices').locator('li');
    await notices.first().waitFor();
    expect(await notices.count()).toBe(1);
    const notice = await notices.first().textContent();
    expect(notice).toContain('Dear Asha Rao');
    expect(notice).toContain('privacy@acme.test');

    // The access log tab finds the customer's accesses by the number typed.
    await page.getByRole('tab', { name: 'Access log' }).click();
    const log = page.getByTestId('access-log');
    await log.getByLabel("Contact's number").fill('+91 98765 43210');
    await log.getByRole('button', { name: 'Filter' }).click();
    await log.getByRole('cell', { name: 'inbox.conversation' }).waitFor();
    await log.getByRole('button', { name: 'Check the chain' }).click();
    await expect
      .poll(() => page.getByTestId('access-log-chain').textContent())
      .toMatch(/^Intact: \d+ entries checked\.$/);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Erasing Asha before she is told: the dialog warns and waits for a confirmation.
    await page.getByRole('link', { name: 'Inbox' }).click();
    await page.getByTestId('conversation-item').filter({ hasText: 'Asha Rao' }).click();
    await page.getByTestId('contact-panel').waitFor();
    await page.getByRole('button', { name: 'Erase this contact…' }).click();
    await page.getByTestId('erase-contact-reason').fill('Request by email');
    await page.getByTestId('erase-contact-number').fill('919876543210');
    const confirm = page.getByTestId('confirm-erase-contact');
    await confirm.click();
    const warning = page.getByTestId('erase-contact-breach');
    await warning.waitFor();
    expect(await page.getByTestId('erase-contact').textContent()).toContain(
      'affected by an open breach (Front-desk laptop stolen)',
    );
    expect(await confirm.isDisabled()).toBe(true);
    await warning.getByRole('checkbox').check();
    await confirm.click();
    await page.getByTestId('conversations-empty').waitFor({ timeout: 15_000 });
    // The one refusal expected: the warning itself (412).
    expect(watch.problems.filter((p) => !/status of 412/.test(p))).toEqual([]);
    await context.close();
  }, 90_000);
});

/** "0 h 29 min 41 s left" as seconds. */
function secondsOf(text: string): number {
  const [h, m, s] = (text.match(/\d+/g) ?? []).map(Number);
  return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
}
