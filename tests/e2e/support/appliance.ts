import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { silentLogger } from '@flowgento/core';
import { loadConfig } from '../../../apps/server/src/config.ts';
import {
  startAppliance,
  type RunningAppliance,
} from '../../../apps/server/src/server.ts';
import { ensureWebBuilt, WEB_DIST } from './web-build.ts';

export interface E2eAppliance {
  running: RunningAppliance;
  /** Stops it and deletes its data folder and key file. */
  stop(): Promise<void>;
}

/**
 * The real appliance for one browser test file: a fresh data folder and key
 * file, HTTPS on a free loopback port, the built web UI, and the Cloud API
 * simulator on or off.
 */
export async function startE2eAppliance(simulator: 'on' | 'off'): Promise<E2eAppliance> {
  ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'fg-e2e-data-'));
  const keyDir = mkdtempSync(join(tmpdir(), 'fg-e2e-key-'));
  const config = loadConfig({
    env: {
      FLOWGENTO_DATA_DIR: dataDir,
      FLOWGENTO_KEY_FILE: join(keyDir, 'root.key'),
      FLOWGENTO_PORT: '0',
      FLOWGENTO_HTTP_PORT: 'off',
      FLOWGENTO_HOST: '127.0.0.1',
      FLOWGENTO_SIMULATOR: simulator,
    },
  });
  const running = await startAppliance(config, {
    logger: silentLogger(),
    webRoot: WEB_DIST,
  });
  return {
    running,
    async stop() {
      await running.close();
      for (const dir of [dataDir, keyDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** First-run setup in the browser, as the OWNER does it; ends on the inbox. */
export async function createWorkspaceInBrowser(
  page: Page,
  setupCode: string,
  owner: { email: string; password: string },
): Promise<void> {
  await page.getByTestId('setup-screen').waitFor();
  await page.getByLabel('Setup code').fill(setupCode);
  await page.getByLabel('Workspace name').fill('Acme Clinic');
  await page.getByLabel('Your name').fill('Olivia Owner');
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByTestId('inbox').waitFor();
}
