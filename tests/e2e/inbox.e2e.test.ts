import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openWatchedPage, type PageWatch } from './support/browser.ts';
import { useE2eAppliance } from './support/appliance.ts';

/**
 * The main job through a real browser: an OWNER sets the appliance up and
 * invites an AGENT; a (simulated) customer writes; the AGENT sees it live,
 * takes it, replies, and watches the reply reach Delivered and then Read.
 */

// The simulator sends sent / delivered / read after 0.3 / 1.2 / 2.5 s.
const STATUS_TIMEOUT = 15_000;
const LIVE_TIMEOUT = 10_000;
// Kept for a person to look at after a run; the folder is ignored by git.
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const AGENT_SCREENSHOT = join(SCREENSHOTS, 'e2e-agent-inbox.png');
const AGENT_SCREENSHOT_PHONE = join(SCREENSHOTS, 'e2e-agent-inbox-390.png');

const e2e = useE2eAppliance('on');

describe('inbox, end to end in Chromium', () => {
  it('shows an agent a customer message live and its reply reaching Read', async () => {
    // In the test, not in a hook: a missing browser must fail it, not skip it.
    const app = e2e.running;
    const chromium = await e2e.browser();
    const viewport = { width: 1280, height: 800 };
    const watches: PageWatch[] = [];

    // The OWNER sets up the appliance with the code printed at start.
    const ownerContext = await chromium.newContext({ viewport });
    const { page: owner, watch: ownerWatch } = await openWatchedPage(
      ownerContext,
      app.url,
    );
    watches.push(ownerWatch);
    await owner.goto(app.url);
    await owner.getByTestId('setup-screen').waitFor();
    expect(await owner.getByTestId('simulator-banner').textContent()).toContain(
      'Simulator mode is on',
    );
    await owner.getByLabel('Setup code').fill(app.setupCode!);
    await owner.getByLabel('Workspace name').fill('Acme Clinic');
    await owner.getByLabel('Your name').fill('Olivia Owner');
    await owner.getByLabel('Email').fill('olivia@example.test');
    await owner.getByLabel('Password').fill('correct horse battery');
    await owner.getByRole('button', { name: 'Create workspace' }).click();
    await owner.getByTestId('inbox').waitFor();
    expect(await owner.getByTestId('workspace-name').textContent()).toBe('Acme Clinic');
    expect(owner.url()).toMatch(/#\/inbox$/);

    // A simulated number, from the dev panel.
    await owner.getByRole('button', { name: 'Connect a simulated number' }).click();
    await owner.getByTestId('sim-send').waitFor();

    // An invite for an AGENT; its link is shown once.
    await owner.getByTestId('nav-members').click();
    await owner.getByTestId('invite-role').selectOption('AGENT');
    await owner.getByTestId('invite-create').click();
    const inviteLink = await owner.getByTestId('invite-link').inputValue();
    expect(inviteLink).toMatch(new RegExp(`^${escape(app.url)}/#/invite/.+`));

    // A second invite, revoked at once: its row leaves the pending list.
    await owner.getByLabel('Email (optional)').fill('unused@example.test');
    await owner.getByTestId('invite-create').click();
    const unused = owner
      .getByTestId('pending-invite')
      .filter({ hasText: 'unused@example.test' });
    await unused.getByTestId('revoke-invite').click();
    await unused.waitFor({ state: 'detached' });
    expect(await owner.getByTestId('pending-invite').count()).toBe(1);

    // The AGENT joins in a browser of their own.
    const agentContext = await chromium.newContext({ viewport });
    const { page: agent, watch: agentWatch } = await openWatchedPage(
      agentContext,
      app.url,
    );
    watches.push(agentWatch);
    await agent.goto(inviteLink);
    await agent.getByLabel('Your name').fill('Arjun Agent');
    await agent.getByLabel('Email').fill('arjun@example.test');
    await agent.getByLabel('Password').fill('another long passphrase');
    await agent.getByRole('button', { name: 'Accept invite' }).click();
    await agent.getByTestId('conversations-empty').waitFor();
    expect(await agent.getByTestId('current-member').textContent()).toContain('AGENT');
    // Agents have no WhatsApp settings or audit log to see.
    expect(await agent.getByTestId('nav-whatsapp').count()).toBe(0);
    expect(await agent.getByTestId('nav-audit').count()).toBe(0);
    await agent
      .locator('[data-testid="live-status"][data-state="live"]')
      .waitFor({ timeout: LIVE_TIMEOUT });
    await markPage(agent);

    // A customer writes (through the simulator's signed webhook).
    await owner.getByTestId('nav-inbox').click();
    await owner.getByTestId('sim-from').fill('919876543210');
    await owner.getByTestId('sim-name').fill('Asha Rao');
    await owner.getByTestId('sim-text').fill('Hello <b>clinic</b>, is Monday free?');
    await owner.getByTestId('sim-send').click();

    // It appears in the agent's inbox without a reload.
    const item = agent.getByTestId('conversation-item').filter({ hasText: 'Asha Rao' });
    await item.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await item.textContent()).toContain('+919876543210');
    expect(await item.getByTestId('unread-badge').textContent()).toBe('1');
    expect(await pageWasNotReloaded(agent)).toBe(true);

    // Opening it: the text is text, never markup, and the window is open.
    await item.click();
    const inbound = agent.getByTestId('message-inbound');
    await inbound.waitFor();
    expect(await inbound.locator('.message-body').textContent()).toBe(
      'Hello <b>clinic</b>, is Monday free?',
    );
    expect(await inbound.locator('b').count()).toBe(0);
    expect(await agent.getByTestId('service-window').textContent()).toMatch(
      /^Window open — closes in 2[34] h \d+ m$/,
    );

    // The agent takes the conversation; the list shows it under Mine.
    expect(await item.getByTestId('conversation-assignee').textContent()).toBe(
      'Unassigned',
    );
    await agent.getByTestId('take-conversation').click();
    await agent.getByTestId('assignee').filter({ hasText: 'Assigned to you' }).waitFor();
    await agent.getByTestId('filter-mine').click();
    await item.getByTestId('conversation-assignee').filter({ hasText: 'You' }).waitFor();
    await agent.getByTestId('filter-unassigned').click();
    await agent.getByTestId('conversations-empty').waitFor();
    await agent.getByTestId('filter-all').click();

    // The reply goes out and moves forward: Delivered, then Read.
    await agent.getByLabel('Reply').fill('Yes, Monday at 10:00 works.');
    await agent.getByTestId('reply-send').click();
    const outbound = agent
      .getByTestId('message-outbound')
      .filter({ hasText: 'Monday at 10:00' });
    await outbound.waitFor();
    const status = outbound.getByTestId('message-status');
    await status.filter({ hasText: /^Delivered$/ }).waitFor({ timeout: STATUS_TIMEOUT });
    await status.filter({ hasText: /^Read$/ }).waitFor({ timeout: STATUS_TIMEOUT });
    expect(await agent.getByTestId('reply-input').inputValue()).toBe('');
    // Deleting is for OWNER and ADMIN only: the agent is not offered it.
    expect(await agent.getByRole('button', { name: 'Delete conversation' }).count()).toBe(
      0,
    );
    expect(await pageWasNotReloaded(agent)).toBe(true);

    await agent.screenshot({ path: AGENT_SCREENSHOT });
    await agent.setViewportSize({ width: 390, height: 800 });
    await agent.getByText('← Conversations').waitFor();
    await agent.screenshot({ path: AGENT_SCREENSHOT_PHONE });

    // The OWNER deletes the conversation; it disappears for the agent too.
    await owner.getByTestId('conversation-item').filter({ hasText: 'Asha Rao' }).click();
    await owner.getByRole('button', { name: 'Delete conversation' }).click();
    await owner.getByTestId('confirm-delete-conversation').click();
    await agent.setViewportSize({ width: 1280, height: 800 });
    await item.waitFor({ state: 'detached', timeout: LIVE_TIMEOUT });
    expect(await agent.getByRole('button', { name: 'Delete conversation' }).count()).toBe(
      0,
    );

    // No CSP violation, script error or request to another host on the way.
    expect(watches.flatMap((w) => w.problems)).toEqual([]);
    await agentContext.close();
    await ownerContext.close();
  }, 60_000);
});

/** A flag on the page's global object survives only if the page never reloads. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as Record<string, unknown>)['flowgentoE2eMark'] = true;
  });
}

function pageWasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(
    () => (globalThis as Record<string, unknown>)['flowgentoE2eMark'] === true,
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
