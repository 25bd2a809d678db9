import { describe, expect, it } from 'vitest';
import {
  ownerWithSimulatedNumber,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * Kinds beyond text in a real browser: a (simulated) customer shares a
 * place, taps a reply button, picks from a list, reacts, orders, and sends
 * a kind WhatsApp does not pass on. The agent reads each as words, never
 * as markup, and a failed reply stays failed with its reason.
 */
const SCREENSHOT = screenshotPath('e2e-inbox-kinds.png');
const LIVE_TIMEOUT = 15_000;

const e2e = useE2eAppliance('on');

describe('inbound kinds, end to end in Chromium', () => {
  it('shows a place, chosen replies, a reaction, an order and an unsupported message as text', async () => {
    const app = e2e.running;
    const { page, watch, context, number } = await ownerWithSimulatedNumber(e2e);
    const customer = {
      phoneNumberId: number.phoneNumberId,
      from: '5511987654321',
      profileName: 'Ana Souza',
    };
    const simulator = app.simulator!;

    const { waMessageId: hello } = await simulator.sendCustomerEvent({
      ...customer,
      event: { type: 'text', body: 'Hi, where is your shop?' },
    });
    await simulator.sendCustomerEvent({
      ...customer,
      event: {
        type: 'location',
        latitude: -23.5505,
        longitude: -46.6333,
        name: '<i>Loja</i> Centro',
        address: 'Rua Augusta 100',
      },
    });
    await simulator.sendCustomerEvent({
      ...customer,
      event: { type: 'button_reply', id: 'track', title: 'Track order' },
    });
    await simulator.sendCustomerEvent({
      ...customer,
      event: {
        type: 'list_reply',
        id: 'return',
        title: 'Return an item',
        description: 'Within 30 days',
      },
    });
    await simulator.sendCustomerEvent({
      ...customer,
      event: { type: 'reaction', messageId: hello, emoji: '❤️' },
    });
    await simulator.sendCustomerEvent({
      ...customer,
      event: {
        type: 'order',
        catalogId: '1234567890',
        text: 'After 6pm please',
        items: [{ productId: 'SKU-42', quantity: 2, price: 49.9, currency: 'BRL' }],
      },
    });
    await simulator.sendCustomerEvent({ ...customer, event: { type: 'unsupported' } });

    await page
      .getByTestId('conversation-item')
      .filter({ hasText: 'Ana Souza' })
      .click({ timeout: LIVE_TIMEOUT });
    const kinds = page.getByTestId('message-kind');
    await kinds.nth(5).waitFor({ timeout: LIVE_TIMEOUT });
    const shown = async (kind: string) =>
      (
        await page
          .locator(`[data-testid="message-kind"][data-kind="${kind}"]`)
          .innerText()
      )
        .replace(/\s+/g, ' ')
        .trim();

    expect(await shown('location')).toBe(
      'Location <i>Loja</i> Centro Rua Augusta 100 -23.55050, -46.63330',
    );
    expect(await page.locator('.message i').count()).toBe(0);
    expect(await page.locator('[data-kind="interactive"]').allInnerTexts()).toEqual([
      expect.stringContaining('Track order'),
      expect.stringContaining('Return an item'),
    ]);
    expect(await shown('reaction')).toBe(
      'Reaction Reacted ❤️ to “Hi, where is your shop?”',
    );
    expect(await shown('order')).toBe(
      'Order of 1 product 2 × SKU-42 at 49.9 BRL After 6pm please',
    );
    expect(await shown('unsupported')).toContain('Error 131051: Message type unknown');

    // The simulator panel sends a kind too, as this customer.
    await page.getByRole('button', { name: 'Use this customer' }).click();
    await page.getByTestId('sim-event-kind').selectOption('contacts');
    await page.getByTestId('sim-send-event').click();
    await page
      .locator('[data-testid="message-kind"][data-kind="contacts"]')
      .waitFor({ timeout: LIVE_TIMEOUT });
    expect(await shown('contacts')).toBe('Shared contact Ravi Kumar · +91 98765 00000');

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // Ana changes number and writes again: the new conversation says so.
    await simulator.sendCustomerEvent({
      ...customer,
      event: {
        type: 'number_change',
        newWaId: '5511912340000',
        body: 'Ana changed number',
      },
    });
    expect(await shown('system')).toBe(
      'Changed number Ana changed number New number: +5511912340000',
    );
    await simulator.sendCustomerEvent({
      ...customer,
      from: '5511912340000',
      event: { type: 'text', body: 'New number, same Ana' },
    });
    await page
      .getByTestId('conversation-item')
      .filter({ hasText: '+5511912340000' })
      .click({ timeout: LIVE_TIMEOUT });
    expect(await page.getByTestId('previous-number').textContent()).toBe(
      'Wrote from +5511987654321 before changing number',
    );

    expect(watch.problems).toEqual([]);
    await context.close();
  }, 60_000);
});
