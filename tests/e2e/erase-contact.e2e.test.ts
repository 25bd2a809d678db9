import { describe, expect, it } from 'vitest';
import { buildTextWebhook } from '@flowgento/whatsapp';
import { ownerWithSimulatedNumber, useE2eAppliance } from './support/appliance.ts';

/**
 * Erasing a contact from its panel, as an OWNER would for a data-subject
 * request: the button asks for the number and a reason before it acts, and
 * afterwards the contact is gone from the inbox.
 */
const LIVE_TIMEOUT = 15_000;
const e2e = useE2eAppliance('on');

describe('erasing a contact, end to end in Chromium', () => {
  it('asks for the number and a reason, then removes the contact from the inbox', async () => {
    const app = e2e.running;
    const { page, watch, context, number } = await ownerWithSimulatedNumber(e2e);
    const body = buildTextWebhook({
      phoneNumberId: number.phoneNumberId,
      displayPhoneNumber: number.displayPhoneNumber,
      waMessageId: 'wamid.E2EERASE1',
      from: '5511987650001',
      profileName: 'Rita Lopes',
      text: 'Please delete everything you have about me',
    });
    expect(await app.simulator!.postWebhook(number.phoneNumberId, body)).toBe(200);
    const item = page.getByTestId('conversation-item');
    await item.first().waitFor({ timeout: LIVE_TIMEOUT });
    await item.first().click();
    await page.getByTestId('contact-panel').waitFor();

    await page.getByRole('button', { name: 'Erase this contact…' }).click();
    const confirm = page.getByTestId('confirm-erase-contact');
    // The reason outlives the contact: the dialog says what not to put in it.
    expect(await page.getByTestId('erase-contact-reason-hint').textContent()).toContain(
      'leave out names, e-mail addresses and phone numbers',
    );
    await page.getByTestId('erase-contact-reason').fill('Request by email, 3 May');
    await page.getByTestId('erase-contact-number').fill('5511987650002');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('erase-contact-number').fill('+55 11 98765 0001');
    expect(await confirm.isDisabled()).toBe(false);
    await confirm.click();

    await page.getByTestId('conversations-empty').waitFor({ timeout: LIVE_TIMEOUT });
    const contacts = app.appliance.store.db
      .prepare('SELECT count(*) FROM contacts')
      .pluck()
      .get();
    expect(contacts).toBe(0);
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 90_000);
});
