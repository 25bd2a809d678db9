import { describe, expect, it } from 'vitest';
import { openWatchedPage } from './support/browser.ts';
import { createWorkspaceInBrowser, useE2eAppliance } from './support/appliance.ts';

/**
 * What an OWNER pastes into Meta's dashboard: the callback URL built from
 * the configured public address and the number's verify token, each with a
 * copy button that fills the clipboard. An AGENT is not offered the page.
 */

const PASSWORD = 'correct horse battery';
const PUBLIC_URL = 'https://wa-hooks.acme.example';

const e2e = useE2eAppliance('on', {
  env: { FLOWGENTO_WEBHOOK_PORT: '0', FLOWGENTO_WEBHOOK_PUBLIC_URL: PUBLIC_URL },
});

describe("the WhatsApp page's webhook details, in Chromium", () => {
  it('shows and copies the callback URL and verify token to the OWNER only', async () => {
    const app = e2e.running;
    const chromium = await e2e.browser();
    const context = await chromium.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: app.url,
    });
    const { page: owner, watch } = await openWatchedPage(context, app.url);
    await owner.goto(app.url);
    await createWorkspaceInBrowser(owner, app.setupCode!, {
      email: 'olivia@example.test',
      password: PASSWORD,
    });

    await owner.getByTestId('nav-whatsapp').click();
    const callback = owner.getByTestId('callback-url');
    await callback.waitFor();
    expect(await callback.textContent()).toBe(`${PUBLIC_URL}/webhooks/whatsapp`);
    await owner.getByRole('button', { name: 'Copy callback URL' }).click();
    await owner
      .getByRole('button', { name: 'Copy callback URL' })
      .getByText('Copied')
      .waitFor();
    const clipboard = () => owner.evaluate<string>('navigator.clipboard.readText()');
    expect(await clipboard()).toBe(`${PUBLIC_URL}/webhooks/whatsapp`);

    await owner.getByTestId('connect-simulator').click();
    const token = owner.getByTestId('verify-token');
    await token.waitFor();
    const tokenText = (await token.textContent()) ?? '';
    expect(tokenText.length).toBeGreaterThanOrEqual(12);
    await owner.getByRole('button', { name: 'Copy verify token' }).click();
    await owner
      .getByRole('button', { name: 'Copy verify token' })
      .getByText('Copied')
      .waitFor();
    expect(await clipboard()).toBe(tokenText);

    // An AGENT, invited by the OWNER, has no WhatsApp page to open.
    await owner.getByTestId('nav-members').click();
    await owner.getByTestId('invite-role').selectOption('AGENT');
    await owner.getByTestId('invite-create').click();
    const inviteLink = await owner.getByTestId('invite-link').inputValue();
    const agentContext = await chromium.newContext();
    const { page: agent } = await openWatchedPage(agentContext, app.url);
    await agent.goto(inviteLink);
    await agent.getByTestId('invite-screen').waitFor();
    await agent.getByLabel('Your name').fill('Arjun Agent');
    await agent.getByLabel('Email').fill('arjun@example.test');
    await agent.getByLabel('Password').fill(PASSWORD);
    await agent.getByRole('button', { name: 'Accept invite' }).click();
    await agent.getByTestId('inbox').waitFor();
    expect(await agent.getByTestId('nav-whatsapp').count()).toBe(0);

    expect(watch.problems).toEqual([]);
  }, 90_000);
});
