import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '@flowgento/audit';
import { Store } from '@flowgento/store';
import type { RunningAppliance } from '../../apps/server/src/server.ts';
import { parseCsvExport } from '../../packages/audit/test/csv-parse.ts';
import { openWatchedPage } from './support/browser.ts';
import {
  createWorkspaceInBrowser,
  useE2eAppliance,
  screenshotPath,
} from './support/appliance.ts';

/**
 * The OWNER's audit page in Chromium: filters narrow the table, the export
 * link downloads exactly what the page shows, and "Verify now" reports the
 * chain intact.
 */

// Kept for a person to look at after a run; the folder is ignored by git.
const SCREENSHOT = screenshotPath('e2e-audit.png');
const OWNER = { email: 'olivia@example.test', password: 'correct horse battery' };
const DAY = 24 * 60 * 60 * 1000;

const e2e = useE2eAppliance('off');

/**
 * Entries of early March 2024, written through the audit log as if its clock
 * had said so: the browser runs in UTC, so these are its days too.
 */
function seedMarch(app: RunningAppliance): void {
  const db = app.appliance.store.db;
  const workspaceId = db.prepare('SELECT id FROM workspaces').pluck().get() as string;
  let now = 0;
  const store = new Store(db, { now: () => now });
  const audit = new AuditLog(store);
  const write = (
    day: number,
    count: number,
    action: 'conversation.assigned' | 'member.invited',
    workspace: string | null = workspaceId,
  ) => {
    for (let i = 0; i < count; i += 1) {
      now = Date.UTC(2024, 2, day, 9) + i * 60_000;
      audit.record({
        workspaceId: workspace,
        actor: { type: 'user', id: 'seed', label: i === 0 ? '=1+1' : OWNER.email },
        action,
        target: { type: 'conversation', id: `c-${day}-${i}` },
        origin: { ip: '192.0.2.5', userAgent: 'seed' },
      });
    }
  };
  store.transaction(() => {
    write(3, 10, 'conversation.assigned');
    write(4, 30, 'conversation.assigned');
    write(4, 5, 'member.invited');
    write(4, 3, 'conversation.assigned', null);
    write(5, 20, 'conversation.assigned');
  });
}

describe('the audit page, end to end in Chromium', () => {
  it('filters by action and day, exports what it shows, and verifies the chain', async () => {
    const app = e2e.running;
    const browser = await e2e.browser();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'UTC',
      acceptDownloads: true,
    });
    const { page, watch } = await openWatchedPage(context, app.url);
    await page.goto(app.url);
    await createWorkspaceInBrowser(page, app.setupCode!, OWNER);
    seedMarch(app);

    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-row').first().waitFor();
    await page
      .getByLabel('Action', { exact: true })
      .selectOption('conversation.assigned');
    await page.getByLabel('From', { exact: true }).fill('2024-03-04');
    await page.getByLabel('To', { exact: true }).fill('2024-03-04');
    await page.getByTestId('apply-audit-filters').click();

    const count = page.getByTestId('audit-count');
    await count.filter({ hasText: '30 entries match these filters' }).waitFor();
    const rows = page.getByTestId('audit-row');
    await expect.poll(() => rows.count()).toBe(30);
    for (const text of await rows.allTextContents()) {
      expect(text).toContain('conversation.assigned');
      expect(text).toContain('Mar 4, 2024');
    }

    // The link carries the filters as the page applied them.
    const link = page.getByTestId('audit-export-csv');
    const href = new URL((await link.getAttribute('href'))!, app.url);
    expect(href.pathname).toBe('/api/audit/export');
    expect(Object.fromEntries(href.searchParams)).toEqual({
      format: 'csv',
      action: 'conversation.assigned',
      from: String(Date.UTC(2024, 2, 4)),
      to: String(Date.UTC(2024, 2, 4) + DAY - 1),
    });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(
      /^flowgento-audit-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const exported = parseCsvExport(readFileSync(await download.path(), 'utf8'));
    expect(exported).toHaveLength(30);
    for (const row of exported) {
      expect(row.action).toBe('conversation.assigned');
      expect(row.time!.startsWith('2024-03-04T')).toBe(true);
    }
    expect(exported.filter((row) => row.actor_label === "'=1+1")).toHaveLength(1);

    // "Verify now" checks the whole chain and says so at a glance.
    await page.getByTestId('verify-chain').click();
    const verdict = page.getByTestId('chain-verdict');
    await verdict.filter({ hasText: 'Intact' }).waitFor();
    expect(await page.getByTestId('chain-last-check').textContent()).toMatch(
      /Audit chain intact: \d+ entries/,
    );
    expect(await page.getByTestId('audit-retention').textContent()).toContain(
      'Entries are kept for 12 months',
    );
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(watch.problems).toEqual([]);
  }, 60_000);
});
