import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Never a skip: an end-to-end suite that silently does nothing proves nothing. */
export function assertChromiumInstalled(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run apt-get install -y chromium`,
    );
  }
}

/**
 * Debian's Chromium, trusting exactly one server key: the appliance's. No
 * `ignoreHTTPSErrors`, so any other certificate still fails as it should.
 */
export async function launchChromium(serverSpkiSha256: string): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `--ignore-certificate-errors-spki-list=${serverSpkiSha256}`,
    ],
  });
}

/** What a page did that a clean UI never does: errors, CSP reports, foreign hosts. */
export interface PageWatch {
  problems: string[];
}

export async function openWatchedPage(
  context: BrowserContext,
  origin: string,
): Promise<{ page: Page; watch: PageWatch }> {
  const page = await context.newPage();
  const watch: PageWatch = { problems: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => watch.problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('data:')) {
      watch.problems.push(`request off the appliance: ${url}`);
    }
  });
  return { page, watch };
}
