import { describe, expect, it } from 'vitest';
import { openWatchedPage, type PageWatch } from './support/browser.ts';
import {
  createWorkspaceInBrowser,
  useE2eAppliance,
  screenshotPath,
} from './support/appliance.ts';

/**
 * Support access as three people live it: the OWNER grants it and hands over
 * the link, an agent sees the banner, the support person looks around
 * read-only; the OWNER revokes, the banner goes, and the support browser is
 * signed out at its next action.
 */

// Kept for a person to look at after a run; the folder is ignored by git.
const SCREENSHOT = screenshotPath('e2e-support.png');
const OWNER_EMAIL = 'olivia@example.test';
const PASSWORD = 'correct horse battery';

const e2e = useE2eAppliance('off');

describe('support access, end to end in Chromium', () => {
  it('grants and revokes support access; the banner comes and goes', async () => {
    const app = e2e.running;
    const chromium = await e2e.browser();
    const watches: PageWatch[] = [];
    const open = async (url = app.url) => {
      const context = await chromium.newContext({
        viewport: { width: 1280, height: 800 },
      });
      const { page, watch } = await openWatchedPage(context, app.url);
      watches.push(watch);
      await page.goto(url);
      return page;
    };

    // The OWNER sets the appliance up and invites an agent.
    const owner = await open();
    await createWorkspaceInBrowser(owner, app.setupCode!, {
      email: OWNER_EMAIL,
      password: PASSWORD,
    });
    await owner.getByTestId('nav-members').click();
    await owner.getByTestId('invite-role').selectOption('AGENT');
    await owner.getByTestId('invite-create').click();
    const inviteLink = await owner.getByTestId('invite-link').inputValue();

    const agent = await open(inviteLink);
    await agent.getByTestId('invite-screen').waitFor();
    await agent.getByLabel('Your name').fill('Arjun Agent');
    await agent.getByLabel('Email').fill('arjun@example.test');
    await agent.getByLabel('Password').fill(PASSWORD);
    await agent.getByRole('button', { name: 'Accept invite' }).click();
    await agent.getByTestId('inbox').waitFor();
    expect(await agent.getByTestId('support-banner').count()).toBe(0);

    // The OWNER grants Sam an hour of support access and copies the link.
    await owner.getByTestId('nav-support-access').click();
    await owner.getByLabel("Support person's name").fill('Sam Support');
    await owner.getByLabel('Reason (optional)').fill('Ticket 4711');
    await owner.getByTestId('grant-support').click();
    const supportLink = await owner.getByTestId('support-link-value').inputValue();
    expect(supportLink).toContain('/#/support/');
    await owner.getByTestId('support-grant').waitFor();

    // The agent's inbox shows who has support access, without a reload.
    const banner = agent.getByTestId('support-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Sam Support');
    expect(await banner.textContent()).toContain(OWNER_EMAIL);

    // Sam opens the link: the workspace, read-only, under Olivia's access.
    const sam = await open(supportLink);
    await sam.getByTestId('support-link-screen').waitFor();
    await sam.getByTestId('redeem-support').click();
    await sam.getByTestId('inbox').waitFor();
    const own = sam.getByTestId('support-self-banner');
    await own.waitFor();
    expect(await own.textContent()).toContain(`granted by ${OWNER_EMAIL}`);
    expect(await sam.getByTestId('current-member').textContent()).toContain('SUPPORT');
    expect(await sam.getByTestId('nav-sessions').count()).toBe(0);
    expect(await sam.getByTestId('nav-support-access').count()).toBe(0);
    await sam.getByTestId('nav-members').click();
    await sam.getByText('Arjun Agent').waitFor();
    expect(await sam.getByTestId('invite-create').count()).toBe(0);
    await sam.getByTestId('nav-audit').click();
    // In the table: the action filter lists every action too.
    await sam.getByTestId('audit-table').getByText('support.granted').first().waitFor();
    // Reading the log is all support may do with it: no check, no export.
    await sam.getByTestId('chain-status').waitFor();
    expect(await sam.getByTestId('verify-chain').count()).toBe(0);
    expect(await sam.getByTestId('audit-export-csv').count()).toBe(0);
    await sam.screenshot({ path: SCREENSHOT });

    // The link worked once: opened again, it is refused.
    const again = await open(supportLink);
    await again.getByTestId('redeem-support').click();
    await again.getByTestId('support-link-error').waitFor();

    // The OWNER revokes; the agent's banner goes away.
    await owner.getByTestId('revoke-support').click();
    await owner.getByTestId('support-grant').waitFor({ state: 'detached' });
    await banner.waitFor({ state: 'detached' });

    // Sam's next action lands on the sign-in page.
    await sam.getByTestId('nav-members').click();
    await sam.getByTestId('login-screen').waitFor();

    // 401s after revocation and the refused second redemption are expected;
    // script errors, CSP reports and foreign requests are not.
    const problems = watches
      .flatMap((w) => w.problems)
      .filter((p) => !/status of 401/.test(p));
    expect(problems).toEqual([]);
  }, 90_000);
});
