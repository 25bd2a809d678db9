import { beforeAll, describe, expect, it } from 'vitest';
import { storageSecretAad } from '@flowgento/storage';
import { openWatchedPage } from './support/browser.ts';
import {
  createWorkspaceInBrowser,
  useE2eAppliance,
  screenshotPath,
} from './support/appliance.ts';

/**
 * The Storage page as an OWNER uses it: every tier on the appliance default
 * (the local disk), then media-hot overridden with an off-site provider
 * first and the local disk as its failover, then back to the default.
 */

// Kept for a person to look at after a run; the folder is ignored by git.
const SCREENSHOT = screenshotPath('e2e-storage.png');

const e2e = useE2eAppliance('off');

beforeAll(() => {
  // A provider the operator added; saved directly, as nothing here may
  // connect to a real bucket.
  const { store, keyRing } = e2e.running.appliance;
  store.storageProviders.save({
    name: 'Offsite R2',
    preset: 'r2',
    endpoint: 'https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
    region: 'auto',
    bucket: 'media',
    accessKeyId: 'AKID',
    verifiedAt: Date.now(),
    wrapSecretAccessKey: (id) => keyRing.wrap('not-a-real-secret', storageSecretAad(id)),
  });
});

describe('storage routing, end to end in Chromium', () => {
  it('shows the routing at a glance and lets the OWNER override a tier', async () => {
    const app = e2e.running;
    const browser = await e2e.browser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, watch } = await openWatchedPage(context, app.url);
    await page.goto(app.url);
    await createWorkspaceInBrowser(page, app.setupCode!, {
      email: 'olivia@example.test',
      password: 'correct horse battery',
    });

    await page.getByTestId('nav-storage').click();
    await page.getByTestId('storage-screen').waitFor();
    for (const tier of ['media-hot', 'media-archive', 'backup']) {
      expect(await page.getByTestId(`tier-${tier}-source`).textContent()).toBe(
        'appliance default',
      );
      expect(await page.getByTestId(`tier-${tier}-providers`).textContent()).toContain(
        'local',
      );
    }

    const card = page.getByTestId('tier-media-hot');
    await card.getByRole('button', { name: 'Override media-hot' }).click();
    await card.getByLabel('First choice').selectOption({ label: 'Offsite R2' });
    await card.getByLabel('If it fails').selectOption({ label: 'local' });
    await card.getByRole('button', { name: 'Save media-hot' }).click();

    const source = page.getByTestId('tier-media-hot-source');
    await source.filter({ hasText: 'workspace override' }).waitFor();
    expect(await source.textContent()).toBe('workspace override');
    const providers = await page
      .getByTestId('tier-media-hot-providers')
      .locator('li')
      .allTextContents();
    expect(providers).toEqual([
      'Offsite R2 S3 at 0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com',
      'local local disk',
    ]);
    expect(await page.getByTestId('tier-backup-source').textContent()).toBe(
      'appliance default',
    );
    await page.screenshot({ path: SCREENSHOT });

    // Backups on the media provider are refused; Cancel takes the refusal away.
    const backup = page.getByTestId('tier-backup');
    const refuseBackupOnMedia = async () => {
      await backup.getByRole('button', { name: 'Override backup' }).click();
      await backup.getByLabel('First choice').selectOption({ label: 'Offsite R2' });
      await backup.getByRole('button', { name: 'Save backup' }).click();
      await backup.getByRole('alert').waitFor();
      expect(await backup.getByRole('alert').textContent()).toContain('Offsite R2');
    };
    await refuseBackupOnMedia();
    await backup.getByRole('button', { name: 'Cancel' }).click();
    expect(await backup.getByRole('alert').count()).toBe(0);

    // Refused again, then another tier saved: the old refusal goes too.
    await refuseBackupOnMedia();
    await card.getByRole('button', { name: 'Use the default for media-hot' }).click();
    await source.filter({ hasText: 'appliance default' }).waitFor();
    await backup.getByRole('alert').waitFor({ state: 'detached' });
    // The two refusals (409) are expected; script errors and CSP reports are not.
    expect(watch.problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
  }, 90_000);
});
