import { describe, expect, it } from 'vitest';
import { workspaceScope } from '@flowgento/store';
import { ownerWithSimulatedNumber, useE2eAppliance } from './support/appliance.ts';

/**
 * A name corrected at the customer's request, as an agent then sees it: the
 * customer's next message carries their old WhatsApp profile name, and the
 * contact panel still shows the corrected one, marked as corrected.
 */
const LIVE_TIMEOUT = 15_000;
const e2e = useE2eAppliance('on');

describe('a corrected contact name, end to end in Chromium', () => {
  it('keeps the corrected name in the contact panel after the next message, and says it was corrected', async () => {
    const app = e2e.running;
    const { page, watch, context, number } = await ownerWithSimulatedNumber(e2e);
    const customer = {
      phoneNumberId: number.phoneNumberId,
      from: '919812300002',
      profileName: 'Bala',
    };
    await app.simulator!.sendCustomerMessage({ ...customer, text: 'My name is wrong' });
    const scope = workspaceScope(number.workspaceId);
    const contact = app.appliance.store.in(scope).contacts.byWaId(customer.from)!;
    app.services.requests.correct(
      {
        scope,
        actor: { type: 'system', label: 'e2e' },
        origin: { ip: null, userAgent: null },
      },
      contact.id,
      { profileName: 'Balakrishnan Iyer' },
      null,
    );
    await app.simulator!.sendCustomerMessage({ ...customer, text: 'Thanks' });

    const item = page.getByTestId('conversation-item');
    await item.first().waitFor({ timeout: LIVE_TIMEOUT });
    await item.first().click();
    const panel = page.getByTestId('contact-panel');
    await panel.waitFor();
    await expect
      .poll(() => panel.getByRole('heading', { level: 3 }).textContent())
      .toBe('Balakrishnan Iyer');
    expect(await page.getByTestId('contact-name-corrected').textContent()).toMatch(
      /^Name corrected at the customer's request on .+; their WhatsApp profile name no longer replaces it\.$/,
    );
    expect(watch.problems).toEqual([]);
    await context.close();
  }, 90_000);
});
