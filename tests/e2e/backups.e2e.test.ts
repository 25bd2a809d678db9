import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseKitKey, type BackupStatus } from '@flowgento/backup';
import { hashPassword } from '@flowgento/crypto';
import { workspaceScope } from '@flowgento/store';
import { openWatchedPage } from './support/browser.ts';
import {
  createWorkspaceInBrowser,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * The Backups page in Chromium: the OWNER reads the status a (stand-in)
 * backup engine reports, changes the retention schedule and opens the
 * printable recovery kit; an ADMIN of an appliance with no engine sees
 * "not running" and cannot open the kit.
 */

const SCREENSHOT = screenshotPath('e2e-backups.png');
const KIT_SCREENSHOT = screenshotPath('e2e-backup-kit.png');
const OWNER = { email: 'olivia@example.test', password: 'correct horse battery' };

const now = Date.now();
const engineStatus: BackupStatus = {
  generation: '2026-12-04T02-00-00Z',
  lastSnapshotAt: now - 3_600_000,
  nextSnapshotAt: now + 20 * 3_600_000,
  lastShippedAt: now - 2_000,
  lagMs: 1_500,
  pendingSegments: 1,
  restorableFrom: now - 7 * 86_400_000,
  restorableTo: now - 2_000,
  points: [
    { at: now - 86_400_000, kind: 'daily' },
    { at: now - 2 * 86_400_000, kind: 'daily' },
    { at: now - 30 * 86_400_000, kind: 'monthly' },
  ],
  lastError: null,
  lagHistory: [0, 1, 2, 3, 4, 5].map((i) => ({
    at: now - (6 - i) * 60_000,
    lagMs: 400 * i,
  })),
};

const withEngine = useE2eAppliance('off', {
  backupStatus: { status: () => engineStatus },
});
const withoutEngine = useE2eAppliance('off');

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('login-screen').waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('backups, end to end in Chromium', () => {
  it('lets the OWNER change the schedule and open a kit whose key parses back', async () => {
    const app = withEngine.running;
    const browser = await withEngine.browser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, watch } = await openWatchedPage(context, app.url);
    await page.goto(app.url);
    await createWorkspaceInBrowser(page, app.setupCode!, OWNER);

    await page.getByTestId('nav-backups').click();
    await page.locator('[data-testid="backup-status"][data-state="running"]').waitFor();
    const status = page.getByTestId('backup-status');
    expect(await status.textContent()).toContain('2026-12-04T02-00-00Z');
    expect(await status.textContent()).toContain('2 daily, 1 monthly');
    expect(await status.textContent()).toContain('1.5 s');
    expect(await page.getByTestId('lag-chart').locator('polyline').count()).toBe(1);
    const summary = page.getByTestId('backup-schedule-summary');
    expect(await summary.textContent()).toContain('Every change is kept 7 days');

    // A daily point kept shorter than every change is refused, naming the field.
    const form = page.getByTestId('backup-schedule');
    await form.getByLabel('Daily points kept (days)').fill('3');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    const error = page.getByTestId('backup-schedule-error');
    await error.waitFor();
    expect(await error.textContent()).toContain(
      'Daily points kept (days) must be at least Every change kept (days)',
    );
    expect(await summary.textContent()).toContain('a daily point 30 days');

    await form.getByLabel('Every change kept (days)').fill('5');
    await form.getByLabel('Daily points kept (days)').fill('20');
    await form.getByLabel('Daily snapshot hour (UTC)').fill('4');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await summary.filter({ hasText: 'Every change is kept 5 days' }).waitFor();
    expect(await summary.textContent()).toContain('a daily point 20 days');
    expect(await summary.textContent()).toContain('04:00 UTC');
    expect(app.services.backup.schedule.current()).toMatchObject({
      changesDays: 5,
      dailyDays: 20,
      snapshotHourUtc: 4,
    });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The kit opens in its own tab, and is fetched only on a click.
    const [kitPage] = await Promise.all([
      context.waitForEvent('page'),
      page.getByTestId('open-backup-kit').click(),
    ]);
    kitPage.on('pageerror', (e) => watch.problems.push(`kit page error: ${e.message}`));
    kitPage.on('console', (m) => {
      if (m.type() === 'error') watch.problems.push(`kit console: ${m.text()}`);
    });
    await kitPage.getByTestId('backup-kit-page').waitFor();
    await kitPage.getByRole('button', { name: 'Show the recovery kit' }).click();
    const keyText = await kitPage.getByTestId('kit-backup-key').textContent();
    const { key } = app.appliance.backupKeys.current();
    expect(parseKitKey(keyText!).equals(key)).toBe(true);
    expect(await kitPage.getByTestId('kit-root-key').textContent()).toMatch(
      /^([0-9a-f]{8} ){7}[0-9a-f]{8}$/,
    );
    await kitPage.emulateMedia({ media: 'print' });
    expect(await kitPage.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    expect(await kitPage.getByTestId('nav-backups').isVisible()).toBe(false);
    await kitPage.screenshot({ path: KIT_SCREENSHOT, fullPage: true });
    // Lag of a few milliseconds at most ("0.0 s"): the line lies along the
    // bottom, not stretched to the top by a 4 ms reading.
    engineStatus.lagHistory = [0, 0, 4, 0, 0, 0].map((lagMs, i) => ({
      at: now - (6 - i) * 60_000,
      lagMs,
    }));
    await page.reload();
    await page.locator('[data-testid="backup-status"][data-state="running"]').waitFor();
    const line = page.getByTestId('lag-chart').locator('polyline');
    const heights = ((await line.getAttribute('points')) ?? '')
      .split(' ')
      .map((point) => Number(point.split(',')[1]));
    expect(heights).toHaveLength(6);
    for (const y of heights) expect(y).toBeGreaterThan(70);
    expect(await page.getByTestId('lag-chart').getAttribute('aria-label')).toContain(
      'peak 4 ms',
    );

    // The refused schedule (400) is expected; script errors and CSP reports are not.
    expect(watch.problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
  }, 90_000);

  it('shows an ADMIN that backups are not running, and no kit', async () => {
    const app = withoutEngine.running;
    const store = app.appliance.store;
    const email = 'adam@example.test';
    const password = 'admin long passphrase';
    const passwordHash = await hashPassword(password);
    store.transaction(() => {
      const workspace = store.workspaces.create('No engine');
      const user = store.users.create({ email, displayName: 'Adam Admin', passwordHash });
      store.in(workspaceScope(workspace.id)).members.add(user.id, 'ADMIN');
    });

    const browser = await withoutEngine.browser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, watch } = await openWatchedPage(context, app.url);
    await page.goto(app.url);
    await signIn(page, email, password);
    await page.getByTestId('nav-backups').click();
    const status = page.locator(
      '[data-testid="backup-status"][data-state="not-running"]',
    );
    await status.waitFor();
    expect(await status.textContent()).toContain('Backups are not running');
    expect(await page.getByTestId('backup-schedule-summary').textContent()).toContain(
      'Every change is kept 7 days',
    );
    expect(await page.getByTestId('open-backup-kit').count()).toBe(0);

    await page.goto(`${app.url}/#/backups/kit`);
    await page.getByTestId('backup-kit-refused').waitFor();
    expect(await page.getByTestId('backup-kit-page').count()).toBe(0);
    expect(watch.problems).toEqual([]);
  }, 90_000);
});
