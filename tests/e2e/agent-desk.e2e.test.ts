import { describe, expect, it } from 'vitest';
import { workspaceScope } from '@flowgento/store';
import { buildTextWebhook, signPayload } from '@flowgento/whatsapp';
import {
  ownerWithSimulatedNumber,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * The agent desk in a real browser: a word from a message written last week
 * finds it, with the word marked and the rest shown as text; words that look
 * like query syntax are just words; the status, "mine" and number filters
 * combine; and an internal note stays text on the contact's profile.
 */
const SCREENSHOT = screenshotPath('e2e-agent-desk.png');
const LIVE_TIMEOUT = 15_000;
const DAY_SECONDS = 24 * 3600;
// A second number of the workspace, as an admin would enter it; Meta's
// webhooks for it are signed with its app secret.
const SECOND_NUMBER = {
  phoneNumberId: '106540352242923',
  businessAccountId: '102290129340398',
  displayPhoneNumber: '+1 555 0200',
  accessToken: 'EAAG-second-access-token-0123456789',
  appSecret: 'second-app-secret-0123456789',
  verifyToken: 'second-verify-token',
};

const e2e = useE2eAppliance('on');

describe('agent desk, end to end in Chromium', () => {
  it("finds last week's message by a word, filters and pages the inbox, keeps a note", async () => {
    const app = e2e.running;
    const { page, watch, context, number } = await ownerWithSimulatedNumber(e2e);

    // Meta's timestamp says when the customer wrote: eight days ago, and now.
    const write = async (from: string, name: string, text: string, agoDays: number) => {
      const body = buildTextWebhook({
        phoneNumberId: number.phoneNumberId,
        displayPhoneNumber: number.displayPhoneNumber,
        waMessageId: `wamid.E2EDESK${from}${agoDays}`,
        from,
        profileName: name,
        text,
        timestampSeconds: Math.floor(Date.now() / 1000) - agoDays * DAY_SECONDS,
      });
      expect(await app.simulator!.postWebhook(number.phoneNumberId, body)).toBe(200);
    };
    await write('4915112345678', 'Jonas Weber', 'The espresso machine leaks water', 8);
    await write('33612345678', 'Léa Martin', 'Is the <b>espresso</b> bar open?', 0);
    const items = page.getByTestId('conversation-item');
    await items.nth(1).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await page.getByTestId('unread-total').textContent()).toBe('2 unread');

    // Search: both messages hold the word; the older one is last week's.
    await page.getByTestId('search-input').fill('espresso');
    await page.getByTestId('search-submit').click();
    const results = page.getByTestId('search-result');
    await results.nth(1).waitFor();
    expect(await results.count()).toBe(2);
    const older = results.filter({ hasText: 'Jonas Weber' });
    expect(await older.getByTestId('search-snippet').textContent()).toBe(
      'The espresso machine leaks water',
    );
    expect(await older.locator('mark').allTextContents()).toEqual(['espresso']);
    // Markup in a message is shown as the characters it is.
    const newer = results.filter({ hasText: 'Léa Martin' });
    expect(await newer.getByTestId('search-snippet').textContent()).toBe(
      'Is the <b>espresso</b> bar open?',
    );
    expect(await page.locator('[data-testid="search-results"] b').count()).toBe(0);

    // What looks like FTS5 syntax is words; no words at all is said plainly.
    await page.getByTestId('search-input').fill('"espresso AND (leaks*');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-empty').waitFor();
    await page.getByTestId('search-input').fill('leak* "espresso');
    await page.getByTestId('search-submit').click();
    await results.first().waitFor();
    expect(await results.count()).toBe(1);
    await page.getByTestId('search-input').fill('"(*)"');
    await page.getByTestId('search-submit').click();
    await page.getByText('Search for at least one word').waitFor();

    // Opening last week's conversation from its result.
    await page.getByTestId('search-input').fill('espresso');
    await page.getByTestId('search-submit').click();
    await older.click();
    await page.getByTestId('conversation-pane').waitFor();
    expect(await page.getByTestId('conversation-contact').textContent()).toBe(
      'Jonas Weber',
    );
    expect(await page.getByTestId('pane-number').textContent()).toBe(
      number.displayPhoneNumber,
    );

    // A second number: conversations say which number they are on.
    await page.getByTestId('search-input').fill('');
    const status = await page.evaluate(async (settings) => {
      const reply = await fetch('/trpc/whatsapp.save', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-flowgento-request': '1' },
        body: JSON.stringify(settings),
      });
      return reply.status;
    }, SECOND_NUMBER);
    expect(status).toBe(200);
    const body = JSON.stringify(
      buildTextWebhook({
        phoneNumberId: SECOND_NUMBER.phoneNumberId,
        displayPhoneNumber: SECOND_NUMBER.displayPhoneNumber,
        waMessageId: 'wamid.E2EDESKSECOND',
        from: '4915112345678',
        profileName: 'Jonas Weber',
        text: 'Writing to your other number',
      }),
    );
    const signature = signPayload(SECOND_NUMBER.appSecret, Buffer.from(body));
    const delivered = await page.evaluate(
      async ([raw, signed]) =>
        (
          await fetch('/webhooks/whatsapp', {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-hub-signature-256': signed!,
            },
            body: raw,
          })
        ).status,
      [body, signature],
    );
    expect(delivered).toBe(200);
    await items.nth(2).waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByTestId('number-filter').selectOption({ label: '+1 555 0200' });
    await expect
      .poll(() => items.allTextContents())
      .toEqual([expect.stringContaining('to +1 555 0200')]);
    await page.getByTestId('number-filter').selectOption({ label: 'Every number' });

    // Resolved, it leaves the open list and shows under "Resolved".
    await page.getByTestId('status-select').selectOption('resolved');
    await page.getByTestId('status-filter').selectOption('resolved');
    await expect
      .poll(() => items.allTextContents())
      .toEqual([expect.stringContaining('The espresso machine leaks water')]);
    await page.getByTestId('status-filter').selectOption('open');
    await expect
      .poll(() => items.allTextContents())
      .toEqual([
        expect.stringContaining('Writing to your other number'),
        expect.stringContaining('Léa Martin'),
      ]);
    await page.getByTestId('filter-mine').click();
    await page.getByTestId('conversations-empty').waitFor();
    await page.getByTestId('filter-all').click();
    await page.getByTestId('status-filter').selectOption('any');
    await items.nth(2).waitFor();

    // An internal note on Jonas: kept as text, never a message to him.
    await page
      .getByTestId('note-input')
      .fill('Sent a <script>x</script> replacement gasket');
    await page.getByTestId('note-add').click();
    const note = page.getByTestId('note');
    await note.waitFor();
    expect(await note.locator('.note-body').textContent()).toBe(
      'Sent a <script>x</script> replacement gasket',
    );
    expect(await page.locator('[data-testid="notes"] script').count()).toBe(0);
    expect(await page.getByTestId('message-outbound').count()).toBe(0);

    // A note about someone else is marked so, and withheld from his export.
    await page.getByTestId('note-input').fill('His neighbour keeps the spare key');
    await page.getByTestId('note-about-other').check();
    await page.getByTestId('note-add').click();
    await expect
      .poll(() => note.first().textContent())
      .toContain('about someone else, never exported');
    expect(await page.getByTestId('note-about-other').isChecked()).toBe(false);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    // Past the first page: 201 more customers wrote long ago (stored directly,
    // as a large inbox would hold them); "More conversations" continues.
    const scoped = app.appliance.store.in(workspaceScope(number.workspaceId));
    app.appliance.store.transaction(() => {
      for (let i = 0; i < 201; i += 1) {
        const contactId = scoped.contacts.upsert(
          `4470000${String(i).padStart(5, '0')}`,
          null,
        );
        scoped.conversations.touchInbound(number.id, contactId, 1_000_000 + i);
      }
    });
    await page.reload();
    await items.nth(199).waitFor();
    expect(await items.count()).toBe(200);
    await page.getByTestId('more-conversations').click();
    await items.nth(203).waitFor();
    expect(await items.count()).toBe(204);
    const hrefs = await Promise.all(
      (await items.all()).map((item) => item.getAttribute('href')),
    );
    expect(new Set(hrefs).size).toBe(204);
    expect(await page.getByTestId('more-conversations').count()).toBe(0);

    // The search without words was refused (400) on purpose; nothing else may fail.
    expect(watch.problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    expect(watch.problems.filter((p) => /status of 400/.test(p)).length).toBeLessThan(5);
    await context.close();
  }, 90_000);
});
