import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '@flowgento/core';
import type { Page } from 'playwright-core';
import { TestClock } from '../../apps/server/test/harness.ts';
import {
  ownerWithSimulatedNumber,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * Consent and the service window as a new user meets them in the browser:
 * a customer writes STOP and the marketing template is refused (a utility
 * one still goes); a day and an hour after another customer's message, free
 * text is refused with the template hint and an approved template goes out.
 */
const LIVE_TIMEOUT = 15_000;
const OWNER = { email: 'olivia@example.test', password: 'correct horse battery' };
const clock = new TestClock();
const e2e = useE2eAppliance('on', { clock });

async function customerWrites(page: Page, from: string, name: string, text: string) {
  // The panel starts closed once the inbox has conversations.
  const panel = page.getByTestId('simulator-panel');
  if ((await panel.getAttribute('open')) === null) await panel.locator('summary').click();
  await page.getByTestId('sim-from').fill(from);
  await page.getByTestId('sim-name').fill(name);
  await page.getByTestId('sim-text').fill(text);
  await page.getByTestId('sim-send').click();
  const item = page.getByTestId('conversation-item').filter({ hasText: name });
  await item.waitFor({ timeout: LIVE_TIMEOUT });
  await item.click();
}

async function chooseTemplate(page: Page, name: string, values: Record<string, string>) {
  const select = page.getByTestId('template-select');
  const label = await select
    .locator('option', { hasText: `${name} (` })
    .first()
    .textContent();
  await select.selectOption({ label: label! });
  for (const [key, value] of Object.entries(values)) {
    await page.getByTestId(`template-var-${key}`).fill(value);
  }
  return label!;
}

describe('opt-out and the service window, end to end in Chromium', () => {
  it('refuses marketing after STOP, and free text 25 hours on, offering templates', async () => {
    const app = e2e.running;
    const { page, watch, context } = await ownerWithSimulatedNumber(e2e, {
      owner: OWNER,
    });

    // A customer writes STOP: the conversation says marketing is refused.
    await customerWrites(page, '919876543210', 'Asha Rao', 'STOP');
    await page
      .getByTestId('consent-state')
      .filter({ hasText: 'Opted out of marketing (wrote a stop keyword' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    // Templates come from the (simulated) Graph API.
    await page.getByText('Send a template').click();
    await page.getByTestId('template-sync').click();
    await page
      .getByTestId('template-select')
      .locator('option', { hasText: 'spring_sale' })
      .waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });

    // The marketing template is marked, and the server refuses it.
    const marketing = await chooseTemplate(page, 'spring_sale', { 'body.1': 'Asha' });
    expect(marketing).toContain('opted out');
    expect(await page.getByTestId('template-refusal').textContent()).toMatch(
      /stopped marketing messages/,
    );
    await page.getByTestId('template-send').click();
    const refusal = page.getByTestId('template-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(
      /^This customer stopped marketing messages \(they wrote a stop keyword\)/,
    );
    expect(await page.getByTestId('message-outbound').count()).toBe(0);

    // A utility template still goes out, its variables filled in.
    await chooseTemplate(page, 'order_update', { 'body.1': 'Asha', 'body.2': 'A-1042' });
    await page.getByTestId('template-send').click();
    await page
      .getByTestId('message-outbound')
      .filter({ hasText: 'Hello Asha, your order A-1042 is on its way.' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    // In WhatsApp's own menu the customer resumes marketing, then stops it again.
    // Meta stamps both in whole seconds and a tie settles to opted out, so the
    // resume comes a second after the STOP, as any real one would. No opt-in
    // with a notice was ever recorded, so the resume is kept as a request and
    // gives no consent.
    clock.advance(1000);
    await page.getByRole('button', { name: 'Use this customer' }).click();
    await page.getByTestId('sim-resume-marketing').click();
    await page
      .getByTestId('contact-consent-change')
      .filter({
        hasText: 'asked to resume: no withdrawn opt-in with a notice to restore',
      })
      .waitFor({ state: 'attached', timeout: LIVE_TIMEOUT });
    expect(await page.getByTestId('consent-state').textContent()).toContain(
      'Opted out of marketing (wrote a stop keyword',
    );
    clock.advance(1000);
    await page.getByTestId('sim-stop-marketing').click();
    await page
      .getByTestId('consent-state')
      .filter({ hasText: 'Opted out of marketing (chose it in WhatsApp' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    // The keywords are the workspace's to see (and, for an admin, to change).
    await page.getByTestId('nav-whatsapp').click();
    await page
      .getByTestId('consent-keywords')
      .filter({ hasText: /Stop:.*stop.*unsubscribe/ })
      .waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByTestId('nav-inbox').click();

    // Another customer writes; then a day and an hour pass.
    await customerWrites(page, '919812345678', 'Ravi Kumar', 'Is my parcel on its way?');
    await page.getByTestId('service-window').filter({ hasText: 'Window open' }).waitFor();
    clock.advance(25 * HOUR_MS);

    // A day later the session has ended: the agent signs in again.
    await page.goto(app.url);
    await page.getByTestId('login-screen').waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('conversation-item').filter({ hasText: 'Ravi Kumar' }).click();

    // Free text is not offered: the window is closed and templates are.
    await page
      .getByTestId('service-window')
      .filter({ hasText: 'Window closed — a template is needed' })
      .waitFor();
    expect(await page.getByTestId('reply-input').isDisabled()).toBe(true);
    expect(await page.getByTestId('template-hint').textContent()).toMatch(
      /only an approved template can be sent/,
    );
    // And a reply sent anyway (a stale tab, a script) is refused by the server.
    const refused = await page.evaluate(async (conversationId) => {
      const reply = await fetch('/trpc/inbox.reply', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-flowgento-request': '1' },
        body: JSON.stringify({ conversationId, body: 'Sorry for the wait!' }),
      });
      return { status: reply.status, text: await reply.text() };
    }, currentConversationId(page));
    expect(refused.status).toBe(412);
    expect(refused.text).toContain('only an approved template can be sent now');

    await chooseTemplate(page, 'order_update', { 'body.1': 'Ravi', 'body.2': 'B-7' });
    await page.getByTestId('template-send').click();
    await page
      .getByTestId('message-outbound')
      .filter({ hasText: 'Hello Ravi, your order B-7 is on its way.' })
      .waitFor({ timeout: LIVE_TIMEOUT });

    await page.screenshot({ path: screenshotPath('e2e-outbound.png'), fullPage: true });
    // Refusals answer 4xx, which Chromium logs; anything else is a problem.
    const expected =
      /Failed to load resource: the server responded with a status of 4(01|12)/;
    expect(watch.problems.filter((p) => !expected.test(p))).toEqual([]);
    await context.close();
  }, 90_000);
});

/** The open conversation's id, from the address (#/inbox/<id>). */
function currentConversationId(page: Page): string {
  const id = /#\/inbox\/([^/?]+)/.exec(page.url())?.[1];
  expect(id).toBeDefined();
  return decodeURIComponent(id!);
}
