import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceScope } from '@flowgento/store';
import { storageSecretAad } from '@flowgento/storage';
import { openWatchedPage } from './support/browser.ts';
import {
  createWorkspaceInBrowser,
  screenshotPath,
  useE2eAppliance,
} from './support/appliance.ts';

/**
 * Provider health on the Storage page, from real failures: media-hot lists
 * an S3 provider on a loopback port where nothing listens, then the local
 * disk. Writes fail over to the disk, the S3 provider goes down after three
 * failures, and the page shows both at a glance, with the waiting copy-back.
 */

const SCREENSHOT = screenshotPath('e2e-storage-health.png');
const e2e = useE2eAppliance('off');

/** A loopback port that was free a moment ago: connections to it are refused. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const { store, keyRing } = e2e.running.appliance;
  const saved = store.storageProviders.save({
    name: 'Offsite',
    preset: 's3-compatible',
    endpoint: `http://127.0.0.1:${await closedPort()}`,
    region: 'us-east-1',
    bucket: 'media',
    accessKeyId: 'AKID',
    verifiedAt: Date.now(),
    wrapSecretAccessKey: (id) => keyRing.wrap('not-a-real-secret', storageSecretAad(id)),
  });
  e2e.running.services.storage.setDefault(
    { actor: { type: 'system', label: 'test' }, origin: { ip: null, userAgent: null } },
    'media-hot',
    [saved.id, 'local'],
  );
});

describe('provider health, end to end in Chromium', () => {
  it('shows a failed-over provider down, the disk up, and what waits for copy-back', async () => {
    const app = e2e.running;
    const browser = await e2e.browser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const { page, watch } = await openWatchedPage(context, app.url);
    await page.goto(app.url);
    await createWorkspaceInBrowser(page, app.setupCode!, {
      email: 'olivia@example.test',
      password: 'correct horse battery',
    });

    const scope = workspaceScope(app.appliance.store.workspaces.list()[0]!.id);
    for (const n of [1, 2, 3, 4]) {
      const stored = await app.services.objects.put(scope, 'media-hot', `m/${n}`, () =>
        randomBytes(512),
      );
      expect(stored.providerId).toBe('local');
    }

    await page.getByTestId('nav-storage').click();
    const panel = page.getByTestId('provider-health');
    await panel.waitFor();
    expect(await page.getByTestId('provider-state-Offsite').textContent()).toBe('down');
    expect(await page.getByTestId('provider-state-local').textContent()).toBe('up');
    expect(await page.getByTestId('provider-error-Offsite').textContent()).toContain(
      'storage_unreachable',
    );
    expect(await page.getByTestId('away-media-hot').textContent()).toContain(
      '4 objects of media-hot wait to be copied back to Offsite',
    );
    expect(await panel.locator('svg.latency-chart').count()).toBe(2);
    expect(await panel.locator('rect.chart-failures').count()).toBeGreaterThan(0);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(watch.problems).toEqual([]);
  }, 120_000);
});
